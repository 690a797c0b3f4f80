#[derive(Debug)] enum TxError { NoSuchAccount(u32), Insufficient { account: u32, balance: i64, needed: i64 }, Frozen(u32), InvalidAmount(i64) }
enum Tx { Deposit { to: u32, amount: i64 }, Withdraw { from: u32, amount: i64 }, Transfer { from: u32, to: u32, amount: i64 }, Freeze(u32) }
struct Account { id: u32, owner: String, balance: i64, frozen: bool, history: Vec<i64> }
struct Bank { accounts: Vec<Account>, applied: i32, failed: i32 }
impl Bank {
    fn open(&mut self, owner: &str, initial: i64) -> u32 { let id = 100 + self.accounts.len() as u32; self.accounts.push(Account { id, owner: owner.into(), balance: initial, frozen: false, history: vec![initial] }); id }
    fn find(&self, id: u32) -> Result<usize, TxError> { for i in 0..self.accounts.len() { if self.accounts[i].id == id { return Ok(i); } } Err(TxError::NoSuchAccount(id)) }
    fn usable(&self, id: u32) -> Result<usize, TxError> { let i = self.find(id)?; if self.accounts[i].frozen { return Err(TxError::Frozen(id)); } Ok(i) }
    fn deposit(&mut self, to: u32, amount: i64) -> Result<i64, TxError> { if amount <= 0 { return Err(TxError::InvalidAmount(amount)); } let i = self.usable(to)?; self.accounts[i].balance += amount; self.accounts[i].history.push(amount); Ok(self.accounts[i].balance) }
    fn withdraw(&mut self, from: u32, amount: i64) -> Result<i64, TxError> { if amount <= 0 { return Err(TxError::InvalidAmount(amount)); } let i = self.usable(from)?; let balance = self.accounts[i].balance;
        if balance < amount { return Err(TxError::Insufficient { account: from, balance, needed: amount }); } self.accounts[i].balance -= amount; self.accounts[i].history.push(-amount); Ok(self.accounts[i].balance) }
    fn transfer(&mut self, from: u32, to: u32, amount: i64) -> Result<i64, TxError> { self.usable(to)?; let left = self.withdraw(from, amount)?; self.deposit(to, amount)?; Ok(left) }
    fn apply(&mut self, tx: Tx) -> Result<i64, TxError> { match tx { Tx::Deposit { to, amount } => self.deposit(to, amount), Tx::Withdraw { from, amount } => self.withdraw(from, amount), Tx::Transfer { from, to, amount } => self.transfer(from, to, amount),
        Tx::Freeze(id) => { let i = self.find(id)?; self.accounts[i].frozen = true; Ok(self.accounts[i].balance) } } }
}
fn cents(v: i64) -> String { let sign = if v < 0 { "-" } else { "" }; let a = v.abs(); format!("{}{}.{}{}", sign, a / 100, a % 100 / 10, a % 10) }
fn main() {
    let mut bank = Bank { accounts: vec![], applied: 0, failed: 0 };
    let alice = bank.open("alice", 10000); let bob = bank.open("bob", 2550); let carol = bank.open("carol", 0);
    let txs = vec![Tx::Deposit { to: alice, amount: 1234 }, Tx::Withdraw { from: bob, amount: 3000 }, Tx::Transfer { from: alice, to: carol, amount: 5005 }, Tx::Transfer { from: carol, to: 999, amount: 5 }, Tx::Deposit { to: bob, amount: -7 }, Tx::Freeze(bob), Tx::Deposit { to: bob, amount: 100 }, Tx::Transfer { from: carol, to: alice, amount: 1 }, Tx::Withdraw { from: alice, amount: 6229 }];
    for tx in txs { match bank.apply(tx) { Ok(balance) => { bank.applied += 1; println!("ok, balance now {}", cents(balance)); } Err(e) => { bank.failed += 1; println!("failed: {:?}", e); } } }
    println!("{} applied, {} failed", bank.applied, bank.failed);
    let mut total: i64 = 0;
    for acc in &bank.accounts { total += acc.balance; let state = if acc.frozen { " (frozen)" } else { "" }; println!("{} {}: {}{} {:?}", acc.id, acc.owner, cents(acc.balance), state, acc.history); }
    println!("total {}", cents(total));
}
