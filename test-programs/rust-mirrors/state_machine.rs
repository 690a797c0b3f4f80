include!("omap.rs");
#[derive(Debug, Clone)] enum State { Idle, Collecting { cents: u32 }, Vending { item: String, change: u32 }, OutOfOrder(String) }
#[derive(Debug, Clone)] enum Event { Coin(u32), Select(String), Cancel, Dispensed, Kick, Repair }
struct Machine { state: State, stock: OMap<String, u32>, prices: OMap<String, u32>, bank: u32, kicks: i32 }
fn transition(m: &mut Machine, ev: Event) -> Result<State, String> {
    use State::*; use Event::*;
    let next = match (m.state.clone(), ev) {
        (OutOfOrder(why), Repair) => { println!("  repaired ({})", why); Idle }
        (OutOfOrder(why), _) => return Err(format!("out of order: {}", why)),
        (_, Kick) => { m.kicks += 1; if m.kicks >= 2 { OutOfOrder("kicked too often".into()) } else { m.state.clone() } }
        (Idle, Coin(c)) => Collecting { cents: c },
        (Collecting { cents }, Coin(c)) => Collecting { cents: cents + c },
        (Collecting { cents }, Select(item)) => {
            let price = match m.prices.get(&item) { Some(p) => p, None => return Err(format!("unknown item {}", item)) };
            let left = m.stock.get(&item).unwrap_or(0);
            if left == 0 { return Err(format!("{} is sold out", item)); }
            if cents < price { return Err(format!("{} costs {}, inserted {}", item, price, cents)); }
            m.stock.insert(item.clone(), left - 1); m.bank += price;
            Vending { item, change: cents - price }
        }
        (Collecting { cents }, Cancel) => { println!("  returning {}", cents); Idle }
        (Vending { item, change }, Dispensed) => { println!("  enjoy your {}, change {}", item, change); Idle }
        (Idle, Select(_)) => return Err("insert coins first".into()),
        (s, e) => return Err(format!("cannot handle {:?} in state {:?}", e, s)),
    };
    Ok(next)
}
fn main() {
    let mut stock = OMap::new(); stock.insert("cola".to_string(), 2u32); stock.insert("chips".to_string(), 0);
    let mut prices = OMap::new(); prices.insert("cola".to_string(), 150u32); prices.insert("chips".to_string(), 100);
    let mut m = Machine { state: State::Idle, stock, prices, bank: 0, kicks: 0 };
    use Event::*; let s = |x: &str| x.to_string();
    let events = vec![Select(s("cola")), Coin(100), Select(s("cola")), Coin(100), Select(s("chips")), Select(s("tea")), Select(s("cola")), Coin(5), Dispensed, Coin(200), Cancel, Dispensed, Kick, Coin(150), Kick, Coin(1), Repair, Coin(150), Select(s("cola")), Dispensed];
    for ev in events { println!("{:?}", ev); match transition(&mut m, ev) { Ok(st) => m.state = st, Err(msg) => println!("  rejected: {}", msg) } }
    println!("final {:?}, bank {}, stock {:?}", m.state, m.bank, m.stock);
}
