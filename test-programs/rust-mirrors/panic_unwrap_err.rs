fn parse_age(s: &str) -> Result<i64, String> { match s.parse::<i64>().ok() { Some(n) if n >= 0 => Ok(n), Some(n) => Err(format!("negative age {}", n)), None => Err("not a number".into()) } }
fn main() { println!("{}", parse_age("42").unwrap()); println!("{}", parse_age("-3").unwrap()); }
