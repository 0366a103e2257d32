//! The yearly report's PDF as a reader sees it: poppler extracts its text
//! and rasterises its first page. STSong-Light is not embedded, so this also
//! checks that the machine's CJK font stands in for it (poppler-data's CMaps
//! and fonts-noto-cjk; `.ci/run` installs them). Without poppler the test is
//! skipped, unless CI=true.

use anju_web::pdf_doc::{Block, ReportDoc, Section, render_report};
use std::path::Path;
use std::process::Command;

const TITLE: &str = "苏州市住房公积金2025年年度报告";

fn report() -> ReportDoc {
    let districts = [
        "姑苏区",
        "吴中区",
        "相城区",
        "园区分中心",
        "高新区",
        "吴江区",
    ];
    let rows: Vec<Vec<String>> = (0..90)
        .map(|i| {
            vec![
                format!("{}第{}缴存单位", districts[i % districts.len()], i + 1),
                format!("{}", 100 + i * 7),
                format!("{},{:03}.{:02}", 1 + i / 10, (i * 37) % 1000, i % 100),
                if i % 9 == 0 {
                    "含灵活就业人员自愿缴存".to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    ReportDoc {
        title: TITLE.to_string(),
        subtitle: "苏州市住房公积金管理中心　2026年3月".to_string(),
        sections: vec![
            Section {
                heading: "一、机构概况".to_string(),
                blocks: vec![Block::Paragraph(
                    "苏州市住房公积金管理委员会有委员27名，2025年召开会议2次，审议通过的事项主要包括：\
                     2024年度住房公积金归集使用计划执行情况及2025年度归集使用计划、2024年度增值收益分配方案、\
                     年度报告等。住房公积金管理中心为直属市人民政府、不以营利为目的的事业单位，设10个处（科）、\
                     5个管理部，从业人员286人。"
                        .to_string(),
                )],
            },
            Section {
                heading: "二、业务运行情况".to_string(),
                blocks: vec![
                    Block::Heading("（一）缴存".to_string()),
                    Block::Paragraph(
                        "2025年，新开户单位12,345家，净增单位8,765家；新开户职工23.45万人，净增职工10.12万人；\
                         实缴单位98,765家，实缴职工345.67万人，缴存额789.01亿元，分别同比增长5.2%、3.1%和6.8%。"
                            .to_string(),
                    ),
                    Block::Table {
                        heads: vec![
                            "缴存单位".to_string(),
                            "职工人数".to_string(),
                            "缴存额（万元）".to_string(),
                            "备注".to_string(),
                        ],
                        rows,
                        right: vec![false, true, true, false],
                    },
                    Block::Heading("（二）提取".to_string()),
                    Block::Paragraph("2025年，提取额456.78亿元，同比增长4.5%。".to_string()),
                ],
            },
            Section {
                heading: "三、其他重要事项".to_string(),
                blocks: vec![Block::Paragraph(
                    "当年住房公积金政策调整及执行情况见附件。".to_string(),
                )],
            },
        ],
        footer: "苏州市住房公积金管理中心".to_string(),
        first_page_marks: String::new(),
    }
}

/// Whether `tool` runs. When it does not: false outside CI (the test is
/// skipped), a failure under CI=true.
fn have(tool: &str) -> bool {
    if Command::new(tool).arg("-v").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and {tool} (poppler-utils) is missing"
    );
    eprintln!("{tool} (poppler-utils) not installed: PDF rendering test skipped");
    false
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().expect(tool);
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A binary PGM (P5, maxval below 256): width, height and the grey levels.
fn read_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).expect("pgm");
    assert!(bytes.starts_with(b"P5"), "not a binary PGM");
    let mut at = 2;
    let mut fields = [0usize; 3];
    for field in &mut fields {
        loop {
            match bytes[at] {
                b'#' => {
                    while bytes[at] != b'\n' {
                        at += 1;
                    }
                }
                c if c.is_ascii_whitespace() => at += 1,
                _ => break,
            }
        }
        let start = at;
        while bytes[at].is_ascii_digit() {
            at += 1;
        }
        *field = std::str::from_utf8(&bytes[start..at])
            .expect("digits")
            .parse()
            .expect("number");
    }
    let [width, height, max] = fields;
    assert!(max < 256, "16-bit PGM");
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

#[test]
fn the_report_reads_back_and_its_chinese_is_drawn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, render_report(&report())).expect("write");
    let pdf_arg = pdf.to_str().expect("utf-8 path");
    // To look at it: ANJU_PDF_RENDER_OUT=/tmp/report.pdf.
    if let Ok(out) = std::env::var("ANJU_PDF_RENDER_OUT") {
        std::fs::copy(&pdf, out).expect("copy the report");
    }

    if !have("pdftotext") || !have("pdftoppm") {
        return;
    }

    let txt = dir.path().join("report.txt");
    run(
        "pdftotext",
        &["-enc", "UTF-8", pdf_arg, txt.to_str().expect("path")],
    );
    let text = std::fs::read_to_string(&txt).expect("text");
    assert!(text.contains(TITLE), "title not extracted:\n{text}");
    for cell in [
        "园区分中心第4缴存单位",
        "缴存额（万元）",
        "二、业务运行情况",
    ] {
        assert!(text.contains(cell), "{cell} not extracted:\n{text}");
    }
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 2, "{pages} pages");
    assert!(text.contains(&format!("第 {pages} 页 / 共 {pages} 页")));
    assert!(text.contains("含灵活就业人员自愿缴存"));

    // Page 1 at 60 dpi in grey: A4 is 496 × 702 pixels, a point 5/6 of one.
    let prefix = dir.path().join("page");
    let stderr = run(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf_arg,
            prefix.to_str().expect("path"),
        ],
    );
    assert!(
        !stderr.contains("Couldn't find a font"),
        "no CJK font substitutes for STSong-Light: {stderr}"
    );
    let (width, height, pixels) = read_pgm(&dir.path().join("page.pgm"));
    assert!((490..=500).contains(&width) && (695..=710).contains(&height));
    let px = |pt: f32| (pt * 60.0 / 72.0).round() as usize;
    let dark = |rows: std::ops::Range<usize>, cols: std::ops::Range<usize>| {
        rows.flat_map(|y| cols.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| pixels[y * width + x] < 128)
            .count()
    };
    // The title: 18-point type in the band 56–83 pt from the top, centred.
    let title = dark(px(56.0)..px(83.0), 0..width);
    assert!(title > 300, "title band has {title} dark pixels");
    // Drawn with a CJK font, not as the empty boxes poppler draws when it
    // has none: the title's first characters, each 18 points (15 pixels)
    // wide from the centred title's left edge, all differ.
    let em = |c: char| if c.is_ascii() { 0.5 } else { 1.0 };
    let left = (595.0 - TITLE.chars().map(em).sum::<f32>() * 18.0) / 2.0;
    let glyph = |i: usize| -> Vec<bool> {
        let x0 = px(left + 18.0 * i as f32);
        (px(56.0)..px(83.0))
            .flat_map(|y| (x0..x0 + 15).map(move |x| (x, y)))
            .map(|(x, y)| pixels[y * width + x] < 128)
            .collect()
    };
    let glyphs: Vec<Vec<bool>> = (0..4).map(glyph).collect();
    for i in 0..4 {
        for j in i + 1..4 {
            let differ = glyphs[i]
                .iter()
                .zip(&glyphs[j])
                .filter(|(a, b)| a != b)
                .count();
            assert!(
                differ > 20,
                "characters {i} and {j} of the title look alike ({differ} pixels differ): \
                 no CJK font stands in for STSong-Light (install fonts-noto-cjk)"
            );
        }
    }
    // The top margin and the side margins are blank.
    assert_eq!(dark(0..px(50.0), 0..width), 0, "top margin");
    assert_eq!(dark(0..height, 0..px(50.0)), 0, "left margin");
    assert_eq!(dark(0..height, width - px(50.0)..width), 0, "right margin");
}
