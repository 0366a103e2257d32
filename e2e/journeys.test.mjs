// Browser journeys against `anju serve --demo` in headless Chromium.
// Run from .ci/run (after `cargo build`), or: npm ci && npm test (from e2e/).
// A screenshot of the page is kept in e2e/artifacts/ when a journey fails.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.ANJU_BIN ?? join(here, '..', 'target', 'debug', 'anju');
const chromiumPath = process.env.ANJU_CHROMIUM ?? '/usr/bin/chromium';
const port = 18000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}`;
const password = 'anju2026demo';
const totpSecret = Buffer.from('anju-demo-totp-2026!');
const artifacts = join(here, 'artifacts');

let server;
let browser;
let memberLogin;
/** Every demo member sign-in, in the order printed (member 4's spouse owns a home). */
let memberLogins = [];

/** RFC 6238 TOTP, as the staff's authenticator app computes it. */
function totp(secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const digest = createHmac('sha1', secret).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

async function waitReady() {
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`${base}/readyz`);
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('anju did not become ready');
}

before(async () => {
  assert.ok(existsSync(binary), `build the server first: ${binary}`);
  assert.ok(existsSync(chromiumPath), `install Chromium (Debian package chromium): ${chromiumPath}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'anju-e2e-'));
  server = spawn(binary, ['serve', '--demo', '--listen', `127.0.0.1:${port}`], {
    // Every journey signs in from 127.0.0.1: more than the default limit a minute.
    env: { ...process.env, ANJU_DATA_DIR: dataDir, ANJU_LOG: 'warn', ANJU_SIGNIN_PER_MINUTE: '200' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  server.stdout.on('data', (chunk) => { output += chunk; });
  await waitReady();
  memberLogins = output.split('\n').filter((l) => l.includes('个人 member'))
    .map((l) => l.trim().split(/\s+/)[2]);
  memberLogin = memberLogins[0];
  assert.match(memberLogin ?? '', /^\d{17}[\dX]$/, `demo output names a member sign-in:\n${output}`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
});

/** Runs a journey in a fresh browser context; screenshots the page on failure. */
async function journey(name, body) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  try {
    await body(page, context);
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

/** A valid 身份证号 for a 17-digit body (GB 11643 MOD 11-2). */
function idCard(body) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function signIn(page, door, login) {
  await page.goto(`${base}/signin?as=${door}`);
  await page.getByLabel(door === 'member' ? '身份证号' : '用户名').fill(login);
  await page.getByLabel('密码').fill(password);
  if (door === 'staff') {
    await page.getByLabel('动态口令（6位）').fill(totp(totpSecret, Date.now() / 1000));
  }
  await page.getByRole('button', { name: '登录' }).click();
}

test('every role signs in and lands on its own home', async () => {
  const doors = [
    ['staff', 'clerk01', '/staff', '柜员'],
    ['staff', 'reviewer01', '/staff', '审核员'],
    ['staff', 'finance01', '/staff', '财务人员'],
    ['staff', 'risk01', '/staff', '风险管理员'],
    ['staff', 'manager01', '/staff', '管理员'],
    ['staff', 'auditor01', '/audit', '审计员'],
    ['employer', 'agent01', '/employer', '单位经办人'],
  ];
  for (const [door, login, home, roleName] of doors) {
    await journey(`signin-${login}`, async (page) => {
      await signIn(page, door, login);
      await page.waitForURL(`${base}${home}`);
      assert.ok((await page.locator('.who').innerText()).includes(roleName), login);
    });
  }
  await journey('signin-member', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    assert.ok((await page.locator('.who').innerText()).includes('缴存职工'));
  });
});

test('a member reads the account, the inbox, and signs out', async () => {
  await journey('member', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    const balance = await page.locator('#balance').innerText();
    assert.match(balance, /^¥[\d,]+\.\d\d$/);
    assert.ok(await page.locator('table tbody tr').count() > 0, 'movements are listed');
    await page.getByRole('link', { name: '消息' }).click();
    await page.getByRole('heading', { name: '欢迎使用住房公积金网上服务大厅' }).waitFor();
    await page.getByRole('button', { name: '标记为已读' }).first().click();
    await page.waitForURL(`${base}/inbox`);
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/signin/);
    await page.goto(`${base}/member`);
    await page.waitForURL(/\/signin\?next=/);
  });
});

test('a clerk prepares a reversal, a reviewer approves it, the member sees the balance drop', async () => {
  let entryId;
  let before;
  await journey('staff-member-view', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    before = await page.locator('#balance').innerText();
    entryId = (await page.locator('td.entry').first().innerText()).trim();
  });
  await journey('staff-clerk', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByLabel('凭证号').fill(entryId);
    await page.getByLabel('冲正理由').fill('浏览器测试：重复入账');
    await page.getByRole('button', { name: '提交审批' }).click();
    await page.getByText('已提交冲正申请').waitFor();
    const item = page.locator('.queue li', { hasText: `冲正凭证 ${entryId}` });
    await item.getByText('不能审批本人经办的业务').waitFor();
  });
  await journey('staff-reviewer', async (page) => {
    await signIn(page, 'staff', 'reviewer01');
    await page.waitForURL(`${base}/staff`);
    const item = page.locator('.queue li', { hasText: `冲正凭证 ${entryId}` });
    await item.getByLabel('审批意见').fill('核对无误');
    await item.getByRole('button', { name: '批准' }).click();
    await page.getByText('已批准').first().waitFor();
  });
  await journey('staff-member-after', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    const after = await page.locator('#balance').innerText();
    const fen = (text) => Number(text.replace(/[¥,.]/g, ''));
    assert.ok(fen(after) < fen(before), `${before} → ${after}`);
    await page.getByText('冲正凭证').first().waitFor();
  });
  await journey('staff-clerk-inbox', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '消息' }).click();
    await page.getByText('“凭证冲正”已批准').waitFor();
  });
});

test('a member is refused the staff console and the audit trail', async () => {
  await journey('refused', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    for (const path of ['/staff', '/audit']) {
      const response = await page.goto(`${base}${path}`);
      assert.equal(response.status(), 403, path);
      await page.getByRole('heading', { name: '无权访问' }).waitFor();
    }
  });
});

test('an agent adds an employee, confirms and pays the month; the member sees the credit', async () => {
  const month = String(1 + (process.pid % 12)).padStart(2, '0');
  const newcomer = idCard(`3205021995${month}15${String(100 + (process.pid % 900))}`);
  await journey('agent-month', async (page) => {
    await signIn(page, 'employer', 'agent01');
    await page.waitForURL(`${base}/employer`);
    await page.getByLabel('身份证号', { exact: true }).fill(newcomer);
    await page.getByLabel('姓名', { exact: true }).fill('浏览器新人');
    await page.getByLabel('月工资（元，用于确定缴存基数）').fill('10000.00');
    await page.getByRole('button', { name: '增加职工' }).click();
    await page.getByText('已为 浏览器新人 开立住房公积金账户').waitFor();
    await page.getByRole('button', { name: '生成本月清册' }).click();
    await page.getByText(/已生成 \d{6} 汇缴清册/).waitFor();
    // The agent reviews the bill line by line before paying.
    await page.locator('section[aria-labelledby="bills-h"] table tbody tr').first().getByRole('link').click();
    await page.getByRole('heading', { name: /汇缴清册/ }).waitFor();
    await page.getByRole('cell', { name: '浏览器新人' }).waitFor();
    await page.getByText(/与上月相比：增加 1 人（浏览器新人）/).waitFor();
    await page.getByRole('button', { name: '核对无误，确认并缴款' }).click();
    await page.getByText('汇缴已入账').waitFor();
  });
  await journey('newcomer', async (page) => {
    await page.goto(`${base}/signin?as=member`);
    await page.getByRole('link', { name: '首次使用？个人注册' }).click();
    await page.getByLabel('身份证号').fill(newcomer);
    await page.getByLabel('姓名').fill('浏览器新人');
    await page.getByLabel('手机号码').fill('13912345678');
    await page.getByLabel('登录密码（至少10位，含字母和数字）').fill(password);
    await page.getByRole('button', { name: '注册' }).click();
    await page.waitForURL(/\/signin\?as=member/);
    await signIn(page, 'member', newcomer);
    await page.waitForURL(`${base}/member`);
    // ¥10,000 × (12% + 12%) = ¥2,400.00, the first month's credit.
    assert.equal(await page.locator('#balance').innerText(), '¥2,400.00');
    await page.getByText('汇缴').first().waitFor();
  });
});

test('a flexible worker signs up online, deposits, and sees the credit', async () => {
  const worker = idCard(`3205021993${String(1 + (process.pid % 12)).padStart(2, '0')}21${String(100 + (process.pid % 900))}`);
  await journey('flexible', async (page) => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '灵活就业人员缴存开户' }).click();
    await page.getByLabel('身份证号').fill(worker);
    await page.getByLabel('姓名').fill('浏览器自由职业');
    await page.getByLabel('手机号码').fill('13912345679');
    await page.getByLabel('约定月缴存额（元）').fill('100.00');
    await page.getByLabel('网上服务大厅登录密码（至少10位，含字母和数字）').fill(password);
    await page.getByLabel(/我已阅读并同意/).check();
    await page.getByRole('button', { name: '签订协议并开户' }).click();
    await page.getByText(/每月缴存额不得低于/).waitFor();
    await page.getByLabel('约定月缴存额（元）').fill('1000.00');
    await page.getByLabel('网上服务大厅登录密码（至少10位，含字母和数字）').fill(password);
    await page.getByLabel(/我已阅读并同意/).check();
    await page.getByRole('button', { name: '签订协议并开户' }).click();
    await page.waitForURL(/\/signin\?as=member/);
    await signIn(page, 'member', worker);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('heading', { name: '灵活就业缴存' }).waitFor();
    await page.getByLabel('金额（元）').fill('1000.00');
    await page.getByLabel('缴款方式').selectOption('ecny');
    await page.getByRole('button', { name: '缴存', exact: true }).click();
    await page.getByText(/缴存 ¥1,000\.00 已入账/).waitFor();
    assert.equal(await page.locator('#balance').innerText(), '¥1,000.00');
  });
});

test('staff read the collection indicators, search with masking, and work the arrears case', async () => {
  await journey('collection-clerk', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '归集管理' }).click();
    await page.getByRole('heading', { name: '归集指标' }).waitFor();
    for (const code of ['K05', 'K06', 'K07', 'K08']) {
      assert.ok(await page.locator(`#kpi-${code}`).isVisible(), code);
    }
    await page.getByLabel(/统一社会信用代码、单位名称、身份证号或姓名/).fill('张伟');
    await page.getByRole('button', { name: '查询' }).click();
    const people = page.locator('table', { hasText: '职工（' });
    await people.getByText('张*').first().waitFor();
    assert.ok(!(await people.innerText()).includes('张伟'), 'names are masked');
    await page.goto(`${base}/staff/collection`);
    await page.locator('table', { hasText: '欠缴金额' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: /催缴案件 \d+/ }).waitFor();
    assert.equal(await page.getByLabel('办理环节').count(), 0, 'enforcement is not the clerk\'s duty');
  });
  await journey('collection-enforcer', async (page) => {
    await signIn(page, 'staff', 'enforce01');
    await page.waitForURL(`${base}/staff/collection`);
    await page.locator('table', { hasText: '欠缴金额' }).getByRole('link').first().click();
    await page.locator('#case-awaiting', { hasText: '提示约谈' }).waitFor();
    await page.getByLabel('办理环节').selectOption('guidance');
    await page.getByLabel(/文书编号/).fill('苏公积约〔2026〕1号');
    await page.getByLabel(/证据材料/).fill('约谈通知送达回证');
    await page.getByRole('button', { name: '办理' }).click();
    await page.getByText(/尚未届满/).waitFor();
  });
  await journey('collection-reviewer', async (page) => {
    await signIn(page, 'staff', 'reviewer01');
    await page.waitForURL(`${base}/staff`);
    const item = page.locator('.queue li', { hasText: '缓缴/降比例申请' });
    await item.getByLabel('审批意见').fill('材料齐全');
    await item.getByRole('button', { name: '批准' }).click();
    await page.getByText('已批准').first().waitFor();
  });
});

test('a member opens the interest statement and the lines add up to the interest', async () => {
  await journey('interest-statement', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('link', { name: /结息明细/ }).click();
    await page.getByRole('heading', { name: /结息年度明细/ }).waitFor();
    const shown = await page.locator('#interest').innerText();
    assert.match(shown, /^¥[\d,]+\.\d\d$/);
    // Redo the sum by hand, as the page invites: Σ product × rate ÷ divisor,
    // rounded half-up to the fen once — in exact integers.
    const rows = await page.locator('tbody tr').all();
    assert.ok(rows.length > 1, 'the year has lines');
    const lines = [];
    for (const row of rows) {
      const cells = await row.locator('td').allInnerTexts();
      const productFenDays = BigInt(cells[4].replace(/[.,-]/g, '')) * (cells[4].startsWith('-') ? -1n : 1n);
      const [whole, frac = ''] = cells[5].replace('%', '').split('.');
      const ppm = BigInt(whole) * 10000n + BigInt((frac + '0000').slice(0, 4));
      lines.push({ productFenDays, ppm, perDays: BigInt(cells[6]) });
    }
    const lcm = lines.reduce((acc, l) => { const g = (a, b) => (b === 0n ? a : g(b, a % b)); return acc / g(acc, l.perDays) * l.perDays; }, 1n);
    const numerator = lines.reduce((acc, l) => acc + l.productFenDays * l.ppm * (lcm / l.perDays), 0n);
    const denominator = 1000000n * lcm;
    const fen = (2n * numerator + denominator) / (2n * denominator);
    const expected = `¥${(Number(fen) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    assert.equal(shown, expected);

    // The year's movements as CSV: each balance is the one before plus the
    // amount, and each product is amount × days.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.match(csv[0], /^起息日,业务类型/);
    const fenOf = (text) => BigInt(text.replace('.', ''));
    let balance = fenOf(csv[1].split(',')[4]);
    assert.ok(csv.length > 2, 'the year has movements');
    for (const row of csv.slice(2)) {
      const cells = row.split(',');
      balance += fenOf(cells[3]);
      assert.equal(fenOf(cells[4]), balance, row);
      if (cells[5] !== '') assert.equal(fenOf(cells[6]), fenOf(cells[3]) * BigInt(cells[5]), row);
    }
  });
});

test('a member applies for a year of rent, a clerk prepares, a reviewer approves, the money is paid', async () => {
  let before;
  await journey('withdrawal-apply', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    before = await page.locator('#balance').innerText();
    await page.getByRole('link', { name: '提取' }).first().click();
    await page.getByRole('heading', { name: '住房公积金提取' }).waitFor();
    await page.getByLabel('提取原因').selectOption('07');
    await page.getByLabel('提取金额（元）').fill('18000.01');
    await page.getByLabel('按月或按年（月数 1–12）').fill('12');
    // The engine answers as the member types: over the cap, then within it.
    await page.locator('#check-result', { hasText: '超出' }).waitFor();
    await page.getByLabel('提取金额（元）').fill('18000.00');
    await page.locator('#check-result', { hasText: '符合条件' }).waitFor();
    assert.match(await page.locator('#check-result').innerText(), /每人每月最高 ¥1,500\.00/);
    // The member sees where the facts came from, as the clerk will.
    assert.match(await page.locator('#check-sources').innerText(), /不动产登记：本人在本市无登记住房（查询号 SIM-HOUSING-\d+）/);
    await page.getByLabel('收款银行卡号（本人）').fill('62220201000041234');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交').waitFor();
    await page.locator('#applications td.status', { hasText: '待初审' }).first().waitFor();
  });
  await journey('withdrawal-clerk', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '提取审核' }).click();
    const card = page.locator('article', { hasText: '租房 ¥18,000.00' }).first();
    // The facts come from the registries, each answer with its reference.
    const sources = await card.locator('ul.sources').innerText();
    assert.match(sources, /婚姻登记：已婚，配偶 陈明/);
    assert.match(sources, /不动产登记：本人在本市无登记住房（查询号 SIM-HOUSING-\d+）/);
    assert.match(sources, /不动产登记：配偶在本市无登记住房/);
    await card.getByLabel('初审意见').fill('无自有住房，核对无误');
    await card.getByRole('button', { name: '初审通过' }).click();
    await page.getByText('待复核。').waitFor();
  });
  await journey('withdrawal-reviewer', async (page) => {
    await signIn(page, 'staff', 'reviewer01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '提取审核' }).click();
    const card = page.locator('#approve-h ~ article', { hasText: '租房 ¥18,000.00' }).first();
    await card.getByLabel('复核意见').fill('同意');
    await card.getByRole('button', { name: '复核通过' }).click();
    await page.getByText('已到账。').waitFor();
  });
  await journey('withdrawal-member-after', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    const after = await page.locator('#balance').innerText();
    const fen = (text) => BigInt(text.replace(/[¥,.]/g, ''));
    assert.equal(fen(before) - fen(after), 1800000n, `${before} → ${after}`);
    await page.locator('table tbody tr', { hasText: '部分提取' }).first().waitFor();
    await page.getByRole('link', { name: '提取' }).first().click();
    await page.locator('#applications td.status', { hasText: '已到账' }).first().waitFor();
  });
});

test('rent is refused when the housing registry shows the spouse owns a home, and the page says why', async () => {
  await journey('withdrawal-spouse-home', async (page) => {
    assert.equal(memberLogins.length, 4, `four demo members sign in: ${memberLogins}`);
    await signIn(page, 'member', memberLogins[3]);
    await page.waitForURL(`${base}/member`);
    // The demo's registries are simulated, and every page says so.
    assert.match(await page.locator('.simulated').innerText(), /演示环境：外部系统为模拟（不动产登记、/);
    await page.getByRole('link', { name: '提取' }).first().click();
    await page.getByRole('heading', { name: '住房公积金提取' }).waitFor();
    await page.getByLabel('提取原因').selectOption('07');
    await page.getByLabel('提取金额（元）').fill('1500.00');
    await page.getByLabel('按月或按年（月数 1–12）').fill('1');
    await page.locator('#check-result', { hasText: '配偶名下有房' }).waitFor();
    await page.getByLabel('收款银行卡号（本人）').fill('62220201000041234');
    await page.getByRole('button', { name: '提交申请' }).click();
    const error = page.locator('#apply-error');
    await error.waitFor();
    assert.match(await error.innerText(), /本人及配偶在本市无自有住房，住房登记显示配偶名下有房（苏\(2019\)苏州市不动产权第0012345号）/);
    assert.equal(await page.locator('#applications').count(), 0, 'nothing was recorded');
  });
});

/** A Luhn-valid 16-digit card number ending 0000 (the bank simulator refuses such cards). */
function emptyCard() {
  const luhn = (digits) => [...digits].reverse().reduce((sum, c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    return sum + (d > 9 ? d - 9 : d);
  }, 0) % 10 === 0;
  for (let n = 0; n < 100; n++) {
    const card = `6222020100${String(n).padStart(2, '0')}0000`;
    if (luhn(card)) return card;
  }
  throw new Error('no Luhn-valid card ending 0000');
}

/** `YYYY-MM-DD` plus days, in the civil calendar. */
function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const fenOf = (text) => BigInt(text.replace(/[^\d]/g, ''));

test('a member applies for a loan; staff review, approve, sign and disburse; a refused deduction goes overdue', async () => {
  let loanId;
  let firstDue;
  let secondDue;
  await journey('loan-calculator', async (page) => {
    const response = await page.goto(`${base}/loan/calculator`);
    if (response.status() === 404) return; // the public calculator is not there yet
    await page.getByLabel('房价（元）', { exact: true }).fill('2000000');
    await page.getByLabel('借款人及共同借款人账户余额（元）').fill('50000');
    await page.getByLabel('家庭月收入（元）').fill('20000');
    await page.getByLabel('贷款期限（月）').fill('240');
    await page.getByRole('button', { name: '试算' }).click();
    await page.locator('#limit').waitFor();
    assert.match(await page.locator('#limit').innerText(), /^¥[\d,]+\.\d\d$/);
  });
  await journey('loan-apply', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('link', { name: '贷款', exact: true }).click();
    await page.getByRole('heading', { name: '住房公积金贷款' }).waitFor();
    await page.getByLabel('房屋类型').selectOption('second_hand');
    await page.getByLabel('房屋坐落').fill('苏州市姑苏区浏览器路 1 号 101 室');
    await page.getByLabel('建筑面积（㎡）').fill('89.50');
    await page.getByLabel('房价（元）', { exact: true }).fill('2000000');
    await page.getByLabel('家庭月收入（元）').fill('20000');
    await page.getByLabel('贷款金额（元）', { exact: true }).fill('300000');
    await page.getByLabel('期限（月）', { exact: true }).fill('240');
    await page.getByLabel('还款方式').selectOption('annuity');
    // 试算 before anything is saved: eligibility, the caps and the one that binds.
    await page.getByRole('button', { name: '试算' }).click();
    await page.locator('#loan-check-result', { hasText: '符合贷款条件' }).waitFor();
    await page.locator('#check-caps .tag', { hasText: '起决定作用' }).waitFor();
    const limit = fenOf(await page.locator('#check-limit').innerText());
    assert.ok(limit > 0n, 'a limit is shown');
    const amount = limit < 30000000n ? limit / 200n : 300000n; // well below the limit
    await page.getByLabel('贷款金额（元）', { exact: true }).fill(String(amount));
    await page.getByLabel('售房人名称').fill('苏州浏览器置业有限公司');
    await page.getByLabel('售房人收款账号').fill('6222020100009874');
    await page.getByLabel('还款银行卡号').fill('62220201000041234');
    await page.getByRole('button', { name: '提交申请' }).click();
    const notice = page.getByText(/贷款申请已提交（贷款编号 \d+/);
    await notice.waitFor();
    loanId = (await notice.innerText()).match(/贷款编号 (\d+)/)[1];
    await page.locator('#loans td.status', { hasText: '待初审' }).first().waitFor();
  });
  await journey('loan-clerk-review', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    const card = page.locator(`#loan-${loanId}`);
    await card.getByText('起决定作用').first().waitFor();
    await card.getByLabel('初审意见').fill('收入与房屋材料核对无误');
    await card.getByRole('button', { name: '初审通过' }).click();
    await page.getByText(`贷款 ${loanId}：待审批。`).waitFor();
  });
  await journey('loan-reviewer-approve', async (page) => {
    await signIn(page, 'staff', 'reviewer01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    const card = page.locator(`#loan-${loanId}`);
    await card.getByLabel('审批意见').fill('同意');
    await card.getByRole('button', { name: '审批通过' }).click();
    await page.getByText(`贷款 ${loanId}：待签约。`).waitFor();
  });
  await journey('loan-clerk-contract', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    const card = page.locator(`#loan-${loanId}`);
    await card.getByLabel('抵押登记证明号').fill('苏(2026)苏州市不动产证明第0099号');
    await card.getByRole('button', { name: '签订合同' }).click();
    await page.getByText(`贷款 ${loanId}：已签订借款合同`).waitFor();
  });
  await journey('loan-finance-disburse', async (page) => {
    await signIn(page, 'staff', 'finance01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    await page.locator(`#loan-${loanId}`).getByRole('button', { name: '放款' }).click();
    await page.getByText(`贷款 ${loanId}：已放款`).waitFor();
  });
  await journey('loan-member-schedule', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/member/loans/${loanId}`);
    await page.getByRole('heading', { name: `贷款 ${loanId}：还款中` }).waitFor();
    const dues = page.locator('#schedule tbody td.due');
    firstDue = (await dues.nth(0).innerText()).trim();
    secondDue = (await dues.nth(1).innerText()).trim();
    assert.match(firstDue, /^\d{4}-\d\d-\d\d$/);
  });
  await journey('loan-finance-run-1', async (page) => {
    await signIn(page, 'staff', 'finance01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    await page.getByLabel('还款业务日期').fill(firstDue);
    await page.getByRole('button', { name: '执行还款批量' }).click();
    await page.locator('#run-summary').waitFor();
    const [full] = (await page.locator('#run-counts').innerText()).split('/').map((n) => Number(n.trim()));
    assert.ok(full >= 1, 'the first installment is deducted in full');
  });
  await journey('loan-member-card', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/member/loans/${loanId}`);
    await page.locator('#schedule td.status', { hasText: '已还' }).first().waitFor();
    await page.getByLabel('新还款银行卡号').fill(emptyCard());
    await page.getByRole('button', { name: '变更还款账户' }).click();
    await page.getByText('还款账户已变更为 ****0000').waitFor();
  });
  await journey('loan-finance-run-2', async (page) => {
    await signIn(page, 'staff', 'finance01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '贷款审批' }).click();
    // A few days after the second due date, so penalty interest has accrued.
    await page.getByLabel('还款业务日期').fill(addDays(secondDue, 5));
    await page.getByRole('button', { name: '执行还款批量' }).click();
    await page.locator('#run-summary').waitFor();
    assert.notEqual(await page.locator('#run-overdue').innerText(), '¥0.00');
  });
  await journey('loan-member-overdue', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/member/loans/${loanId}`);
    await page.locator('#schedule td.status', { hasText: '逾期' }).first().waitFor();
    assert.ok(fenOf(await page.locator('#overdue-amount').innerText()) > 0n, 'an overdue amount');
    assert.ok(fenOf(await page.locator('#penalty').innerText()) > 0n, 'penalty interest to date');
    assert.equal(await page.locator('#grade').innerText(), '关注');
  });
  await journey('loan-risk-overdue', async (page) => {
    await signIn(page, 'staff', 'risk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '逾期贷款' }).click();
    const row = page.locator(`#overdue-${loanId}`);
    await row.waitFor();
    assert.ok(fenOf(await row.locator('td.penalty').innerText()) > 0n, 'the penalty is listed');
    assert.match(await page.locator('#k13').innerText(), /^\d+\.\d{3}‰$/);
  });
});

test('a manager reads the plan cockpit with its charts, then the liquidity cockpit', async () => {
  const { statSync } = await import('node:fs');
  await journey('kpi-cockpit', async (page) => {
    const problems = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, 'staff', 'manager01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '资金管理' }).click();
    await page.getByRole('heading', { name: '财务报表', exact: true }).waitFor();
    await page.goto(`${base}/staff/kpi`);
    await page.getByRole('heading', { name: '规划指标驾驶舱' }).waitFor();
    await page.waitForFunction(() => window.__chartsReady === true, null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => window.__chartsError ?? null), null, 'ECharts loaded');
    assert.equal(await page.locator('#kpi-table tbody tr[id^="kpi-K"]').count(), 21, '21 KPIs');
    assert.equal(await page.locator('#kpi-table tr.kpi-group').count(), 5, 'five sections');
    // The summary comes first; the charts are drawn when their section opens
    // (here from the page's contents).
    assert.equal(await page.locator('div.chart canvas, div.chart svg').count(), 0, 'charts wait');
    await page.getByRole('navigation', { name: '本页目录' }).getByRole('link', { name: '走势图' }).click();
    await page.waitForFunction(() => document.querySelector('#charts').open);
    await page.locator('div.chart canvas, div.chart svg').first().waitFor();
    assert.ok(await page.locator('div.chart canvas, div.chart svg').count() >= 1, 'a chart is drawn');
    assert.ok(await page.evaluate(() => window.__chartsDrawn) >= 1);
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'kpi-cockpit.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, `the screenshot holds the page (${statSync(shot).size} bytes)`);
    assert.deepEqual(problems.filter((p) => /Content.Security.Policy|Refused to/i.test(p)), [], 'nothing blocked');

    await page.getByRole('link', { name: '流动性监测' }).click();
    await page.getByRole('heading', { name: '流动性监测', level: 1 }).waitFor();
    assert.equal(await page.locator('#indicators .indicator').count(), 5, 'five indicator cards');
    for (const key of ['utilisation', 'loan_ratio', 'reserve_adequacy', 'overdue_rate', 'bank_deposits']) {
      const card = page.locator(`#indicator-${key}`);
      assert.match(await card.getAttribute('class'), /indicator (ok|warning|critical|nodata)/, key);
      assert.ok((await card.locator('.value').innerText()).trim().length > 0, key);
    }
  });
});

/** Pages a person uses on a phone: none may scroll sideways at 390 px. */
async function assertFitsThePhone(page, name) {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What sticks out, to say which element to fix.
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`),
  }));
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `phone-${name}.png`), fullPage: true });
  assert.ok(scrollWidth <= innerWidth, `${name}: ${scrollWidth} px wide on a ${innerWidth} px screen: ${wide.join(', ')}`);
}

test('at phone width the member, employer and staff pages do not scroll sideways', async () => {
  await journey('phone-width', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await assertFitsThePhone(page, 'member-home');
    // The recent lines keep date, 摘要 and amount on screen.
    const amount = await page.locator('section[aria-labelledby="mv-h"] tbody td.num').first().boundingBox();
    assert.ok(amount && amount.x + amount.width <= 390, `the amount is on screen: ${JSON.stringify(amount)}`);
    await page.goto(`${base}/member/interest`);
    await assertFitsThePhone(page, 'member-statement');
    // The interest lines are cards on a phone: nothing scrolls inside them.
    const line = page.locator('table.cards tbody tr').first();
    const box = await line.boundingBox();
    assert.ok(box && box.x + box.width <= 390, `a line fits the screen: ${JSON.stringify(box)}`);
    assert.equal(await page.locator('table.cards').evaluate((t) => t.scrollWidth <= t.clientWidth + 1), true);
    // A negative price and "1e3" months: both named, each beside its field.
    await page.goto(`${base}/loan/calculator?calc=1&price=-5&balances=100000&income=20000&months=1e3`);
    assert.equal(await page.locator('#form-errors li').count(), 2, 'both refusals in the summary');
    assert.match(await page.locator('#price-error').innerText(), /房价须大于零/);
    assert.match(await page.locator('#months-error').innerText(), /整数月数/);
    await page.locator('#form-errors a[href="#months"]').click();
    assert.equal(await page.evaluate(() => location.hash), '#months');
    await assertFitsThePhone(page, 'loan-calculator');
    await page.goto(`${base}/member/withdrawals`);
    await assertFitsThePhone(page, 'withdrawal-application');
  });
  await journey('phone-width-employer', async (page) => {
    await signIn(page, 'employer', 'agent01');
    await page.waitForURL(`${base}/employer`);
    await assertFitsThePhone(page, 'employer-home');
    const bill = page.locator('a[href^="/employer/bills/"]:not([href*="/export"])').first();
    await page.goto(`${base}${await bill.getAttribute('href')}`);
    await assertFitsThePhone(page, 'employer-bill');
  });
  await journey('phone-width-staff', async (page) => {
    await signIn(page, 'staff', 'manager01');
    await page.waitForURL(`${base}/staff`);
    await assertFitsThePhone(page, 'staff-console');
    await page.goto(`${base}/staff/kpi`);
    await assertFitsThePhone(page, 'kpi-cockpit');
  });
});

const axeSource = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Findings by impact over every page checked, for the log. */
const axeTally = { critical: 0, serious: 0, moderate: 0, minor: 0 };

/** axe-core's findings on the page (any impact: the pages are at zero), as "rule: target" lines. */
async function axeProblems(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  for (const v of violations) axeTally[v.impact] = (axeTally[v.impact] ?? 0) + v.targets.length;
  if (process.env.AXE_DEBUG) console.log(JSON.stringify(violations));
  return violations.flatMap((v) => v.targets.slice(0, 3).map((t) => `${v.id} (${v.impact}): ${t}`));
}

test('a member rates a service one star; staff rectify and visit; the member sees the follow-up', async () => {
  // Member 2's rent was paid at the counter: a completed service to rate.
  const rater = memberLogins[1];
  const reason = `浏览器测试：等候时间过长 ${process.pid}`;
  await journey('rate-one-star', async (page) => {
    await signIn(page, 'member', rater);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('link', { name: '评价与投诉' }).click();
    const form = page.locator('form', { hasText: '住房公积金提取' }).first();
    await form.getByLabel('1 星', { exact: true }).check();
    await form.getByLabel(/评价理由/).fill(reason);
    await form.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('前完成整改并回访您').waitFor();
    await page.locator('tr', { hasText: reason }).getByText('待整改').waitFor();
  });
  await journey('rectify', async (page) => {
    await signIn(page, 'staff', 'reviewer01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '服务质量' }).click();
    await page.locator('tr', { hasText: reason }).getByRole('link').first().click();
    await page.getByRole('button', { name: '认领整改' }).click();
    await page.getByLabel('整改情况').fill('已调整窗口排班，高峰时段增开窗口');
    await page.getByRole('button', { name: '填写整改情况' }).click();
    await page.locator('#rectification-status', { hasText: '已整改' }).waitFor();
  });
  await journey('visit', async (page) => {
    await signIn(page, 'staff', 'manager01');
    await page.waitForURL(`${base}/staff`);
    await page.goto(`${base}/staff/quality`);
    await page.locator('tr', { hasText: reason }).getByRole('link').first().click();
    await page.getByLabel(/回访情况/).fill('电话回访：职工表示满意');
    await page.getByRole('button', { name: '记录回访' }).click();
    await page.locator('#rectification-status', { hasText: '已回访' }).waitFor();
  });
  await journey('follow-up-seen', async (page) => {
    await signIn(page, 'member', rater);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/member/service`);
    const row = page.locator('tr', { hasText: reason });
    await row.getByText('已调整窗口排班，高峰时段增开窗口').waitFor();
    await row.getByText('电话回访：职工表示满意').waitFor();
    await page.getByRole('link', { name: '消息' }).click();
    await page.getByText('差评整改回访').first().waitFor();
  });
});

test('a member downloads a 缴存证明; an anonymous browser opens its verification link and sees it valid', async () => {
  let link = '';
  let file = '';
  await journey('certificate-issue', async (page) => {
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('link', { name: '电子证明' }).click();
    await page.getByRole('button', { name: '开具缴存证明' }).click();
    await page.waitForURL(/\/certificates\/JC-/);
    await page.locator('#certificate-status', { hasText: '有效' }).waitFor();
    await page.getByRole('img', { name: '证明核验二维码' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: /下载证明文件/ }).click();
    file = readFileSync(await (await download).path(), 'utf8');
    link = await page.locator('#verify-link').getAttribute('href');
  });
  assert.match(file, /^住房公积金缴存证明\n/);
  assert.match(file, /\ntree-signature [0-9a-f]+ [0-9a-f]{16}\n/);
  assert.ok(link.startsWith(`${base}/verify/JC-`), link);
  // A bank clerk's browser: nobody signed in, only the link from the QR code.
  await journey('certificate-verify', async (page) => {
    await page.goto(link);
    await page.locator('#verify-status[data-status="valid"]').waitFor();
    await page.getByText('住房公积金缴存证明').first().waitFor();
    assert.ok((await page.locator('#verify-text').textContent()).includes('账户余额'));
  });
});

test('anyone opens the service catalogue from the home page and follows a service to the page that performs it', async () => {
  await journey('service-catalogue', async (page) => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '服务事项清单' }).click();
    await page.waitForURL(`${base}/services`);
    await page.getByRole('heading', { level: 2, name: '提取' }).waitFor();
    const row = page.locator('#service-TQ01');
    assert.match(await row.textContent(), /3 个工作日/);
    assert.match(await row.textContent(), /第二十五条/);
    await row.getByRole('link').click();
    // The member's page asks a signed-out visitor to sign in first, then returns.
    await page.waitForURL(/\/signin\?next=\/member\/withdrawals/);
  });
});

test('a member asks the assistant, reads the answer with its source, asks for a person; a clerk answers on the console', async () => {
  const asker = memberLogins[2];
  const followUp = `浏览器测试：我想确认租房提取的到账时间 ${process.pid}`;
  await journey('assistant-ask', async (page) => {
    await signIn(page, 'member', asker);
    await page.waitForURL(`${base}/member`);
    await page.getByRole('link', { name: '智能客服' }).click();
    await page.waitForURL(`${base}/assistant`);
    await page.getByLabel('您的问题').fill('租房提取要准备什么材料');
    await page.getByRole('button', { name: '提问' }).click();
    const answer = page.locator('li.chat-assistant').last();
    await answer.getByText(/租房/).first().waitFor();
    assert.match(await answer.locator('.chat-source').textContent(), /来源：(常见问题|政策规定|服务事项清单)：/);
    await page.getByLabel('您的问题').fill('我的公积金余额是多少');
    await page.getByRole('button', { name: '提问' }).click();
    await page.locator('li.chat-assistant', { hasText: '您的住房公积金账户余额为' }).waitFor();
    await page.getByRole('button', { name: '转人工' }).click();
    await page.getByText('已转人工客服').first().waitFor();
    await page.getByLabel('您的问题').fill(followUp);
    await page.getByRole('button', { name: '提问' }).click();
    await page.getByText('您的问题已转给人工客服').waitFor();
  });
  await journey('assistant-agent', async (page) => {
    await signIn(page, 'staff', 'clerk01');
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: '在线客服' }).click();
    await page.waitForURL(`${base}/staff/assistant`);
    // The demo's own hand-over waits too; open each until the one with the follow-up.
    const links = await page.locator('table a[href^="/staff/assistant/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    let opened = false;
    for (const href of links) {
      await page.goto(`${base}${href}`);
      if (await page.getByText(followUp).count()) { opened = true; break; }
    }
    assert.ok(opened, `the member's conversation is in the queue: ${links}`);
    await page.getByText('租房提取要准备什么材料').waitFor();
    await page.getByLabel('回复内容').fill('审核通过后一般 3 个工作日内到账，请留意银行卡。');
    await page.getByRole('button', { name: '发送回复' }).click();
    await page.getByText('已回复，职工会在消息中心收到通知').waitFor();
    // The first answer keeps ZH07's promise: counted on the times page.
    await page.getByRole('link', { name: '办件时效' }).click();
    await page.waitForURL(`${base}/staff/service-times`);
    const answered = await page.locator('#times-ZH07 td[data-label="办结"]').textContent();
    assert.ok(Number(answered) >= 1, `hand-overs answered: ${answered}`);
  });
  await journey('assistant-reply-seen', async (page) => {
    await signIn(page, 'member', asker);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/assistant`);
    await page.locator('li.chat-agent', { hasText: '审核通过后一般 3 个工作日内到账' }).waitFor();
    await page.getByRole('link', { name: '消息' }).click();
    await page.getByText('人工客服已回复您的咨询').first().waitFor();
  });
});

test('the outlet map draws with nothing from outside; a member books a slot and sees it in 我的预约', async () => {
  const booker = memberLogins[2];
  await journey('outlet-map-offline', async (page, context) => {
    // Anything not from this server is refused: the map must not need it.
    const outside = [];
    await context.route((url) => !url.href.startsWith(base), (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '服务网点' }).click();
    await page.waitForURL(`${base}/outlets`);
    const map = page.getByRole('img', { name: /服务网点分布/ });
    await map.waitFor();
    assert.ok((await map.locator('circle').count()) >= 10, 'every outlet is drawn');
    assert.ok((await map.locator('rect.cell-walk').count()) > 0, 'the walking circle is drawn');
    assert.match(await page.locator('#circle').textContent(), /步行[\s\S]*%[\s\S]*驾车[\s\S]*%/);
    assert.deepEqual(outside, [], 'nothing was fetched from outside');
  });
  let booked = '';
  await journey('outlet-book', async (page) => {
    await signIn(page, 'member', booker);
    await page.waitForURL(`${base}/member`);
    await page.goto(`${base}/outlets/WD01`);
    const slot = page.getByLabel('预约时段', { exact: true });
    booked = await slot.locator('option').first().getAttribute('value');
    await slot.selectOption(booked);
    await page.getByLabel('办理事项').selectOption('TQ01');
    await page.getByRole('button', { name: '预约', exact: true }).click();
    await page.getByText(/已预约 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/).waitFor();
    const [day] = booked.split('|');
    const row = page.locator('#appointments tr', { hasText: day });
    await row.getByText('已预约').waitFor();
    await page.getByRole('link', { name: '预约', exact: true }).click();
    await page.waitForURL(`${base}/member/appointments`);
    await page.locator('#appointments tr', { hasText: day }).getByRole('button', { name: '取消预约' }).waitFor();
  });
});

test('every page passes axe-core with no finding and none scrolls sideways, on a desk and on phones of 390 and 360 px', async () => {
  const pages = {
    public: ['/', '/signin?as=member', '/signin?as=staff', '/register', '/register/remote', '/flexible', '/verify',
      '/withdrawal-rules', '/services', '/assistant', '/outlets', '/outlets/WD01', '/loan/calculator', '/loan/calculator?calc=1&price=-5&balances=1&income=1&months=1e3'],
    member: ['/member', '/member/interest', '/member/withdrawals', '/member/loans', '/member/service',
      '/member/certificates', '/member/grants', '/assistant', '/member/appointments', '/member/reminders', '/outlets/WD01', '/inbox'],
    employer: ['/employer'],
    staff: ['/staff', '/staff/kpi', '/staff/collection', '/staff/interest', '/staff/withdrawals', '/audit',
      '/staff/loans', '/staff/loans/overdue', '/staff/fund', '/staff/fund/deposits', '/staff/fund/distribution',
      '/staff/fund/liquidity', '/staff/report/annual', '/staff/quality', '/staff/certificates', '/staff/log',
      '/staff/partners', '/staff/assistant', '/staff/outlets', '/staff/reminders', '/staff/service-times'],
  };
  const found = [];
  for (const width of [1366, 390, 360]) {
    const height = width === 1366 ? 900 : 800;
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height } });
    const page = await context.newPage();
    const visit = async (path) => {
      const response = await page.goto(`${base}${path}`);
      // A refused form answers 422 with the page; everything else is 200.
      assert.equal(response.status(), path.includes('calc=1') ? 422 : 200, path);
      for (const p of await axeProblems(page)) found.push(`${width} ${path} ${p}`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (sideways > 0) found.push(`${width} ${path} scrolls sideways by ${sideways} px`);
    };
    for (const path of pages.public) await visit(path);
    await signIn(page, 'member', memberLogin);
    await page.waitForURL(`${base}/member`);
    for (const path of pages.member) await visit(path);
    await context.clearCookies();
    await signIn(page, 'employer', 'agent01');
    await page.waitForURL(`${base}/employer`);
    for (const path of pages.employer) await visit(path);
    await context.clearCookies();
    await signIn(page, 'staff', 'manager01');
    await page.waitForURL(`${base}/staff`);
    for (const path of pages.staff) await visit(path);
    await context.close();
  }
  const visits = 3 * Object.values(pages).flat().length;
  console.log(`axe-core over ${visits} page visits: ${JSON.stringify(axeTally)}`);
  assert.deepEqual(found, [], `axe-core findings:\n${found.join('\n')}`);
});

test('a member signs in with the keyboard alone', async () => {
  await journey('keyboard-signin', async (page) => {
    await page.goto(`${base}/signin?as=member`);
    // Tab from the top of the page to the ID field, as a keyboard user does.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('name') === 'login')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'login', 'the ID field is reachable by Tab');
    await page.keyboard.type(memberLogin);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/member`);
    await page.getByRole('heading', { name: '我的公积金' }).waitFor();
  });
});
