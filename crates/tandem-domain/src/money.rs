//! Money as integer minor units with an ISO 4217 currency. Never floats.

use std::fmt;

use crate::ParseError;

/// An ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// Currencies whose minor unit is not 1/100 of the major unit.
const NON_TWO_DIGIT: &[(&str, u8)] = &[
    ("JPY", 0),
    ("KRW", 0),
    ("ISK", 0),
    ("CLP", 0),
    ("VND", 0),
    ("BHD", 3),
    ("KWD", 3),
    ("OMR", 3),
    ("JOD", 3),
    ("TND", 3),
];

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let upper = raw.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(ParseError::new(
                "currency",
                format!("{raw:?} is not an ISO 4217 code"),
            ));
        }
        let exponent = NON_TWO_DIGIT
            .iter()
            .find(|(code, _)| *code == upper)
            .map_or(2, |(_, e)| *e);
        Ok(Self {
            code: [bytes[0], bytes[1], bytes[2]],
            exponent,
        })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("currency codes are ASCII")
    }

    /// Digits after the decimal point (2 for SEK, 0 for JPY).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money in minor units (öre, cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Parses a decimal amount such as `"1200.00"` or `"5"` in the given currency.
    /// More decimals than the currency has is an error, never a rounding.
    pub fn parse(raw: &str, currency: Currency) -> Result<Self, ParseError> {
        let bad = |why: &str| ParseError::new("amount", format!("{raw:?} {why}"));
        let (negative, digits) = match raw.trim().strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw.trim()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad("is not a decimal amount"));
        }
        let exp = usize::from(currency.exponent);
        if frac.len() > exp {
            return Err(bad(&format!("has more than {exp} decimals for {currency}")));
        }
        let scale = 10_i64.pow(u32::from(currency.exponent));
        let whole: i64 = whole.parse().map_err(|_| bad("is too large"))?;
        let frac_padded = format!("{frac:0<exp$}");
        let frac: i64 = if exp == 0 {
            0
        } else {
            frac_padded
                .parse()
                .map_err(|_| bad("is not a decimal amount"))?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|m| m.checked_add(frac))
            .ok_or_else(|| bad("is too large"))?;
        Ok(Self {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Adds two amounts of the same currency; `None` for different currencies or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
    }
}

impl fmt::Display for Money {
    /// `1200.00 SEK`, `-5.50 EUR`, `300 JPY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = u32::from(self.currency.exponent);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10_u64.pow(exp);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / scale,
            abs % scale,
            self.currency,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sek() -> Currency {
        Currency::parse("SEK").unwrap()
    }

    #[test]
    fn parses_decimal_amounts() {
        let cases = [
            ("1200.00", Some(120_000)),
            ("5", Some(500)),
            ("0.5", Some(50)),
            ("-3.25", Some(-325)),
            ("1.234", None),
            ("", None),
            ("1,00", None),
            (".5", None),
            ("99999999999999999999", None),
        ];
        for (raw, want) in cases {
            assert_eq!(
                Money::parse(raw, sek()).ok().map(|m| m.minor()),
                want,
                "{raw}"
            );
        }
    }

    #[test]
    fn currencies_know_their_exponent() {
        assert_eq!(Currency::parse("jpy").unwrap().exponent(), 0);
        assert_eq!(Currency::parse("EUR").unwrap().exponent(), 2);
        assert!(Currency::parse("EURO").is_err());
        assert_eq!(
            Money::parse("300", Currency::parse("JPY").unwrap())
                .unwrap()
                .to_string(),
            "300 JPY"
        );
        assert!(Money::parse("3.5", Currency::parse("JPY").unwrap()).is_err());
    }

    #[test]
    fn displays_and_adds() {
        let a = Money::parse("1200.05", sek()).unwrap();
        assert_eq!(a.to_string(), "1200.05 SEK");
        assert_eq!(
            Money::from_minor(-550, Currency::parse("EUR").unwrap()).to_string(),
            "-5.50 EUR"
        );
        assert_eq!(a.checked_add(a).unwrap().minor(), 240_010);
        assert!(
            a.checked_add(Money::from_minor(1, Currency::parse("EUR").unwrap()))
                .is_none()
        );
    }
}
