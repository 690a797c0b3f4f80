#[derive(Clone, Debug)]
struct Enemy {
    name: String,
    x: f64,
    y: f64,
    hp: i32,
}

impl Enemy {
    fn dist(&self, px: f64, py: f64) -> f64 {
        ((self.x - px).powi(2) + (self.y - py).powi(2)).sqrt()
    }
    fn step_toward(&mut self, px: f64, py: f64, speed: f64) {
        let d = self.dist(px, py);
        if d > 0.0 {
            self.x += (px - self.x) / d * speed;
            self.y += (py - self.y) / d * speed;
        }
    }
}

fn main() {
    let (px, py) = (0.0, 0.0);
    let mut enemies = vec![
        Enemy { name: "goblin".to_string(), x: 3.0, y: 4.0, hp: 3 },
        Enemy { name: "bat".to_string(), x: -1.0, y: 1.0, hp: 1 },
        Enemy { name: "troll".to_string(), x: 6.0, y: 8.0, hp: 10 },
    ];
    for turn in 1..=3 {
        for e in enemies.iter_mut() {
            e.step_toward(px, py, 1.0);
            e.hp -= 1;
        }
        enemies.retain(|e| e.hp > 0);
        let nearest = enemies.iter().min_by_key(|e| (e.dist(px, py) * 1000.0) as i64).map(|e| e.name.clone());
        println!("turn {}: {} left, nearest {:?}", turn, enemies.len(), nearest);
    }
    for e in &enemies {
        println!("{} at ({:.2}, {:.2}) hp {}", e.name, e.x, e.y, e.hp);
    }
}
