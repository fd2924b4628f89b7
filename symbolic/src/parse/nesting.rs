//! Before syn: bracket nesting is measured on the raw tokens, without recursion. syn's recursive
//! descent (built without optimisation in a dev profile, as proc macros are) could otherwise
//! overflow the compiler's stack on an item nested far deeper than any DSL body allows. The
//! macro and the fuzz harness both run this check before they hand the item to syn.

use proc_macro2::{TokenStream, TokenTree};

use super::MAX_DEPTH;

/// Bracket nesting deeper than this is refused before syn parses the item. It sits above the
/// engine's `MAX_DEPTH`, which reports the precise error for expressions that get that far.
pub const MAX_TOKEN_NESTING: usize = MAX_DEPTH + 16;

/// An error at the first bracket nested deeper than `MAX_TOKEN_NESTING`.
pub fn too_deep(tokens: &TokenStream) -> Option<syn::Error> {
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(group)) => {
                if stack.len() > MAX_TOKEN_NESTING {
                    return Some(syn::Error::new(
                        group.span_open(),
                        format!(
                            "brackets nested more than {MAX_TOKEN_NESTING} deep: matcalc refuses \
                             expressions nested deeper than {MAX_DEPTH} operations"
                        ),
                    ));
                }
                stack.push(group.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> TokenStream {
        let text = format!("fn f() {{ {}x{} }}", "(".repeat(depth), ")".repeat(depth));
        text.parse().unwrap()
    }

    #[test]
    fn nesting_up_to_the_limit_passes_and_beyond_it_is_refused() {
        // The body's braces are one level: `depth` parentheses inside make depth + 1.
        assert!(too_deep(&nested(MAX_TOKEN_NESTING - 1)).is_none());
        let error = too_deep(&nested(MAX_TOKEN_NESTING + 5)).expect("refused");
        assert!(error.to_string().contains("nested more than"));
        // Far beyond: no recursion, so no overflow here either.
        assert!(too_deep(&nested(100_000)).is_some());
    }
}
