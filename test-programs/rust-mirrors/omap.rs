// Insertion-ordered map with Dast semantics: insert of an existing key keeps its slot;
// remove moves the last entry into the removed one's slot (swap_remove).
#[derive(Clone, PartialEq)]
pub struct OMap<K, V> { pub e: Vec<(K, V)> }
#[allow(dead_code)]
impl<K: PartialEq + Clone, V: Clone> OMap<K, V> {
    pub fn new() -> Self { OMap { e: Vec::new() } }
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        for p in self.e.iter_mut() { if p.0 == k { let old = p.1.clone(); p.1 = v; return Some(old); } }
        self.e.push((k, v)); None
    }
    pub fn get(&self, k: &K) -> Option<V> { self.e.iter().find(|p| &p.0 == k).map(|p| p.1.clone()) }
    pub fn remove(&mut self, k: &K) -> Option<V> {
        let i = self.e.iter().position(|p| &p.0 == k)?; Some(self.e.swap_remove(i).1)
    }
    pub fn contains_key(&self, k: &K) -> bool { self.e.iter().any(|p| &p.0 == k) }
    pub fn len(&self) -> usize { self.e.len() }
    pub fn is_empty(&self) -> bool { self.e.is_empty() }
    pub fn keys(&self) -> Vec<K> { self.e.iter().map(|p| p.0.clone()).collect() }
    pub fn values(&self) -> Vec<V> { self.e.iter().map(|p| p.1.clone()).collect() }
    pub fn entries(&self) -> Vec<(K, V)> { self.e.clone() }
    pub fn clear(&mut self) { self.e.clear() }
}
impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for OMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_map().entries(self.e.iter().map(|p| (&p.0, &p.1))).finish()
    }
}
impl<K, V> Default for OMap<K, V> { fn default() -> Self { OMap { e: Vec::new() } } }
