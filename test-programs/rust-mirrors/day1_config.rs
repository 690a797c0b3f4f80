use std::collections::HashMap;

fn parse_line(line: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = line.split("=").collect();
    if parts.len() != 2 {
        return None;
    }
    Some((parts[0].trim().to_string(), parts[1].trim().to_string()))
}

fn main() {
    let text = "width = 800\nheight=600\n# comment\ntitle = Dast Quest\nfullscreen = yes\nbroken line";
    let settings: HashMap<String, String> = text
        .lines()
        .filter(|l| !l.starts_with("#"))
        .filter_map(|l| parse_line(l))
        .collect();
    let width = settings.get("width").and_then(|w| w.parse::<i64>().ok()).unwrap_or(640);
    let depth = settings.get("depth").and_then(|w| w.parse::<i64>().ok()).unwrap_or(32);
    let title = settings.get("title").map(|t| t.to_uppercase()).unwrap_or_else(|| "UNTITLED".to_string());
    let fullscreen = settings.get("fullscreen").map_or(false, |v| v == "yes");
    println!("{} {} {} {}", width, depth, title, fullscreen);
    let mut keys: Vec<&String> = settings.keys().collect();
    keys.sort();
    println!("{:?}", keys);
}
