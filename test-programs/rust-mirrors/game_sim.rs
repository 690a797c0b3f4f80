#[derive(Debug, Clone)] enum Ai { Wander, Chase(usize), Flee }
#[derive(Debug, Clone)] struct Entity { id: usize, name: String, x: i32, y: i32, hp: i32, atk: i32, ai: Ai }
struct Rng { state: u32 }
impl Rng {
    fn next(&mut self) -> u32 { self.state = self.state.wrapping_mul(1664525).wrapping_add(1013904223); self.state >> 16 }
    fn range(&mut self, n: u32) -> i32 { (self.next() % n) as i32 }
}
struct World { entities: Vec<Entity>, rng: Rng, turn: i32, log: Vec<String> }
fn calculate_damage(atk: i32, def: i32) -> i32 { std::cmp::max(0, atk - def) }
fn dist(a: &Entity, b: &Entity) -> i32 { (a.x - b.x).abs() + (a.y - b.y).abs() }
impl World {
    fn spawn(&mut self, name: &str, x: i32, y: i32, hp: i32, atk: i32) { let id = self.entities.len(); self.entities.push(Entity { id, name: name.into(), x, y, hp, atk, ai: Ai::Wander }); }
    fn think(&mut self) {
        for i in 0..self.entities.len() {
            let me = self.entities[i].clone();
            if me.hp <= 0 { continue; }
            let mut target: Option<usize> = None; let mut best = 1000;
            for j in 0..self.entities.len() { let other = self.entities[j].clone(); if j != i && other.hp > 0 { let d = dist(&me, &other); if d < best { best = d; target = Some(j); } } }
            self.entities[i].ai = match target { Some(t) if me.hp < 5 => Ai::Flee, Some(t) if best <= 6 => Ai::Chase(t), _ => Ai::Wander };
        }
    }
    fn act(&mut self) {
        for i in 0..self.entities.len() {
            if self.entities[i].hp <= 0 { continue; }
            match self.entities[i].ai.clone() {
                Ai::Wander => { let dx = self.rng.range(3) - 1; let dy = self.rng.range(3) - 1; self.entities[i].x += dx; self.entities[i].y += dy; }
                Ai::Flee => { self.entities[i].x += 2; }
                Ai::Chase(t) => {
                    let tx = self.entities[t].x; let ty = self.entities[t].y; let me = self.entities[i].clone();
                    if dist(&me, &self.entities[t]) <= 1 {
                        let roll = self.rng.range(4); let dmg = calculate_damage(me.atk + roll, 2); self.entities[t].hp -= dmg;
                        self.log.push(format!("t{}: {} hits {} for {} (hp {})", self.turn, me.name, self.entities[t].name, dmg, self.entities[t].hp));
                    } else {
                        if tx > me.x { self.entities[i].x += 1 } else if tx < me.x { self.entities[i].x -= 1 } else if ty > me.y { self.entities[i].y += 1 } else { self.entities[i].y -= 1 }
                    }
                }
            }
        }
    }
    fn alive(&self) -> usize { let mut n = 0; for e in &self.entities { if e.hp > 0 { n += 1 } } n }
}
fn main() {
    let mut w = World { entities: vec![], rng: Rng { state: 12345 }, turn: 0, log: vec![] };
    w.spawn("knight", 0, 0, 30, 6); w.spawn("orc", 4, 1, 25, 7); w.spawn("goblin", -3, 2, 12, 4); w.spawn("slime", 10, 10, 8, 3);
    while w.turn < 40 && w.alive() > 1 { w.turn += 1; w.think(); w.act(); }
    for line in &w.log { println!("{}", line); }
    println!("after {} turns, {} alive", w.turn, w.alive());
    for e in &w.entities { println!("{} #{} at ({}, {}) hp={} {:?}", e.name, e.id, e.x, e.y, e.hp, e.ai); }
    println!("rng state {}", w.rng.state);
}
