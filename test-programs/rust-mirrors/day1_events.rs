use std::collections::HashMap;

#[derive(Clone, Debug)]
enum Event {
    Damage { target: String, amount: i32 },
    Heal { target: String, amount: i32 },
    Spawn(String),
}

fn target(e: &Event) -> String {
    match e {
        Event::Damage { target, .. } | Event::Heal { target, .. } => target.clone(),
        Event::Spawn(name) => name.clone(),
    }
}

fn main() {
    let log = vec![
        Event::Spawn("hero".to_string()),
        Event::Spawn("orc".to_string()),
        Event::Damage { target: "orc".to_string(), amount: 7 },
        Event::Damage { target: "hero".to_string(), amount: 3 },
        Event::Heal { target: "hero".to_string(), amount: 2 },
        Event::Damage { target: "orc".to_string(), amount: 5 },
    ];
    let mut hp: HashMap<String, i32> = HashMap::new();
    for e in log.iter() {
        match e {
            Event::Spawn(name) => { hp.insert(name.clone(), 10); }
            Event::Damage { target, amount } => { *hp.entry(target.clone()).or_insert(0) -= amount; }
            Event::Heal { target, amount } => { *hp.entry(target.clone()).or_insert(0) += amount; }
        }
    }
    let mut names: Vec<&String> = hp.keys().collect();
    names.sort();
    for n in names {
        println!("{}: {}", n, hp[n]);
    }
    let damage: i32 = log.iter().map(|e| match e { Event::Damage { amount, .. } => *amount, _ => 0 }).sum();
    let spawns = log.iter().filter(|e| matches!(e, Event::Spawn(_))).count();
    println!("damage {} spawns {}", damage, spawns);
    for (i, e) in log.iter().enumerate().filter(|(_, e)| target(e) == "hero") {
        println!("#{} {:?}", i, e);
    }
}
