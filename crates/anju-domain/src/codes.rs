//! Closed sets of values that are stored and exchanged as short text codes
//! (statuses, kinds). Records hold the enum; the text exists only at the
//! storage and wire edges, where [`Coded::from_code`] turns an unknown value
//! into an error instead of a silent default.

/// A closed set of values, each with a stable text code and a Chinese name.
pub trait Coded: Sized + Copy + PartialEq + std::fmt::Debug + 'static {
    /// What the set is, in Chinese, for messages (e.g. `贷款状态`).
    const WHAT: &'static str;
    /// Every value, in the order screens list them.
    const ALL: &'static [Self];

    /// The stored code; never renamed once data exists.
    fn code(self) -> &'static str;

    /// The name a person reads.
    fn name_zh(self) -> &'static str;

    /// The value with this code, if there is one.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// A set of values as one stored column: their codes joined by commas, in
/// the order the set lists them (so equal sets are stored alike).
pub fn codes_text<T: Coded>(values: &[T]) -> String {
    T::ALL
        .iter()
        .filter(|v| values.contains(v))
        .map(|v| v.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// The values a comma-separated text names, each read by `parse` (which
/// refuses an unknown code with the set's own error).
pub fn parse_codes<T>(
    text: &str,
    parse: impl Fn(&str) -> crate::DomainResult<T>,
) -> crate::DomainResult<Vec<T>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse)
        .collect()
}

/// Declares an enum of coded values with its [`Coded`] impl and inherent
/// `code`, `name_zh` and `parse` (refusing an unknown code with `$error`).
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal, $error:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal $zh:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $crate::codes::Coded for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            fn name_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }
        }

        impl $name {
            pub fn code(self) -> &'static str {
                <$name as $crate::codes::Coded>::code(self)
            }

            pub fn name_zh(self) -> &'static str {
                <$name as $crate::codes::Coded>::name_zh(self)
            }

            /// Parses a code, refusing an unknown one with a stable code.
            pub fn parse(code: &str) -> $crate::DomainResult<Self> {
                <$name as $crate::codes::Coded>::from_code(code).ok_or_else(|| {
                    $crate::DomainError::new($error, format!("未知的{}“{}”", $what, code))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name_zh())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Coded;

    crate::coded_enum! {
        /// A test set; its refusal reuses a listed code, since a code must be
        /// in the table (`error::CODES`).
        pub enum Light ("信号灯", "TASK_STATUS_UNKNOWN") {
            Red = "r" "红",
            Green = "g" "绿",
        }
    }

    #[test]
    fn codes_round_trip_and_unknown_is_refused() {
        for v in Light::ALL {
            assert_eq!(Light::parse(v.code()), Ok(*v));
        }
        assert_eq!(Light::Green.name_zh(), "绿");
        let refused = Light::parse("x").expect_err("unknown code");
        assert_eq!(refused.code(), "TASK_STATUS_UNKNOWN");
        assert!(refused.message().contains("信号灯"));
        assert_eq!(Light::from_code("R"), None);
    }
}
