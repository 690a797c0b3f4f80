include!("omap.rs");
#[derive(Clone)] enum Category { Tool, Food, Part }
#[derive(Clone)] struct Item { name: String, category: Category, qty: u32, price_cents: u64 }
enum OrderError { UnknownItem(String), NotEnough { name: String, wanted: u32, have: u32 } }
struct Inventory { items: OMap<String, Item>, log: Vec<String> }
impl Inventory {
    fn new() -> Inventory { Inventory { items: OMap::new(), log: vec![] } }
    fn add(&mut self, name: &str, category: Category, qty: u32, price_cents: u64) {
        let k = name.to_string();
        if self.items.contains_key(&k) { let mut it = self.items.get(&k).unwrap(); it.qty += qty; self.items.insert(k, it); self.log.push(format!("restock {} +{}", name, qty)); }
        else { self.items.insert(k, Item { name: name.into(), category, qty, price_cents }); self.log.push(format!("new {}", name)); }
    }
    fn take(&mut self, name: &str, qty: u32) -> Result<u64, OrderError> {
        let k = name.to_string();
        let found = self.items.get(&k);
        if found.is_none() { return Err(OrderError::UnknownItem(k)); }
        let mut it = found.unwrap();
        if it.qty < qty { return Err(OrderError::NotEnough { name: k, wanted: qty, have: it.qty }); }
        it.qty -= qty; let cost = it.price_cents * qty as u64; self.items.insert(k, it); self.log.push(format!("take {} -{}", name, qty)); Ok(cost)
    }
    fn total_value(&self) -> u64 { let mut total: u64 = 0; for (_, it) in self.items.entries() { total += it.price_cents * it.qty as u64; } total }
    fn report(&self) {
        let mut names = self.items.keys(); names.sort();
        for n in names { let it = self.items.get(&n).unwrap(); let cat = match it.category { Category::Tool => "tool", Category::Food => "food", Category::Part => "part" };
            println!("  {} [{}] x{} @ {}", it.name, cat, it.qty, money(it.price_cents)); }
    }
}
fn money(cents: u64) -> String { let rest = cents % 100; if rest < 10 { format!("${}.0{}", cents / 100, rest) } else { format!("${}.{}", cents / 100, rest) } }
fn main() {
    let mut inv = Inventory::new();
    inv.add("hammer", Category::Tool, 5, 1299); inv.add("apple", Category::Food, 40, 45); inv.add("bolt", Category::Part, 200, 7); inv.add("apple", Category::Food, 10, 45);
    inv.report(); println!("value {}", money(inv.total_value()));
    let orders = vec![("apple", 12), ("hammer", 6), ("nails", 1), ("bolt", 150), ("hammer", 5)];
    let mut revenue: u64 = 0;
    for (name, qty) in orders {
        match inv.take(name, qty) {
            Ok(cost) => { revenue += cost; println!("sold {} {} for {}", qty, name, money(cost)); }
            Err(OrderError::UnknownItem(n)) => println!("error: no item named {}", n),
            Err(OrderError::NotEnough { name, wanted, have }) => println!("error: wanted {} {} but only {} left", wanted, name, have),
        }
    }
    println!("revenue {}", money(revenue)); inv.report(); println!("value {}", money(inv.total_value()));
    println!("{} log entries, last: {}", inv.log.len(), inv.log[inv.log.len() - 1]);
}
