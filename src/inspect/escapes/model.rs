//! What the compiler said about one package's code: escapes, inlining, checks; each at a
//! position relative to the module root. Parsers produce it; reports and diffs read it.

use serde::{Deserialize, Serialize};

/// The kind of one compiler diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A value the compiler allocates on the heap (`X escapes to heap`).
    HeapEscape,
    /// A variable the compiler moves to the heap (`moved to heap: x`).
    MovedToHeap,
    /// A parameter whose value outlives the call (`leaking param: p`).
    LeakingParam,
    /// A call site the compiler inlined (`inlining call to f`).
    InlinedCall,
    /// A call site the compiler could not inline, with its reason.
    CannotInlineCall,
    /// A function the compiler can inline (with its cost where known).
    CanInline,
    /// A function the compiler cannot inline (with its reason).
    CannotInline,
    /// A bounds check the compiler kept (`isInBounds`, `isSliceInBounds`).
    BoundsCheck,
    /// A nil check the compiler kept.
    NilCheck,
}

impl Kind {
    /// Heap allocations: what the `heap` figure counts.
    pub fn is_heap(self) -> bool {
        matches!(self, Kind::HeapEscape | Kind::MovedToHeap)
    }
}

/// One diagnostic at one position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub kind: Kind,
    /// Path relative to the module root, with `/` separators.
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// The compiler's words, e.g. `&T{...} escapes to heap`, `cost: 7`,
    /// `function too complex: cost 215 exceeds budget 80`.
    pub message: String,
    /// For CanInline / CannotInline / InlinedCall: the function's name as the compiler gives it
    /// (`newT`, `counter.func1`, `(*T).String`); empty when unknown.
    pub name: String,
}
