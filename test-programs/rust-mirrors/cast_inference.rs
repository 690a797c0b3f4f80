struct Unit {
    hp: i64,
    x: f64,
}

fn main() {
    let mut units: Vec<Unit> = Vec::new();
    for i in 0..4 {
        let x = i as f64 * 1.5;
        units.push(Unit { hp: i * 1000000000, x: x });
    }
    for u in units {
        println!("{} {:.1}", u.hp, u.x);
    }
    let n = 7;
    let half = n as f64 / 2.0;
    println!("{} {}", half, n);
}
