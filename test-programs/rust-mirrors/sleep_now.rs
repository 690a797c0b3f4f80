fn now_ms() -> u64 { std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64 }
fn main() { let t0 = now_ms(); println!("{}", t0 > 1700000000000); std::thread::sleep(std::time::Duration::from_millis(20)); let t1 = now_ms(); let waited = t1 - t0; println!("{}", waited >= 20 && waited < 60000); println!("done"); }
