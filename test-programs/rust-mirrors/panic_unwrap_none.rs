fn find(names: &Vec<String>, target: &str) -> Option<usize> { for i in 0..names.len() { if names[i] == target { return Some(i) } } None }
fn main() { let names = vec!["ann".to_string(), "bob".to_string()]; println!("{}", find(&names, "bob").unwrap()); println!("{}", find(&names, "cy").unwrap()); }
