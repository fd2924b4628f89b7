//! What to write instead, for constructs newcomers reach for that the DSL does not have
//! (reference §4b): each message names the construct, says why it is not supported where that
//! is not obvious, and gives the DSL spelling.

/// A message for a function or method name with a specific replacement, beyond the one-word
/// `did_you_mean` suggestions of the operation table.
pub(super) fn function(name: &str) -> Option<String> {
    Some(match name {
        "max" | "min" | "fmax" | "fmin" | "clamp" => format!(
            "`{name}` is not supported: it is not differentiable where its arguments are equal, \
             so matcalc has no derivative rule for it; write `relu(x - y) + y` for max(x, y) \
             (its derivative picks one side), or `softplus` for a smooth version"
        ),
        "new" | "from_fn" | "from_row_slice" | "from_column_slice" | "from_vec"
        | "from_iterator" | "from_element" => format!(
            "`{name}` builds a matrix outside the DSL: inside a body write \
             `matrix![a, b; c, d]` of scalar expressions, `vstack(..)` / `hstack(..)`, or bind \
             data from the rest of the program with a typed `let X: Matrix<R, C> = ..;`"
        ),
        _ => return None,
    })
}

/// A message for an unsupported expression that has a DSL replacement.
pub(super) fn expression(e: &syn::Expr) -> Option<String> {
    Some(match e {
        syn::Expr::Cast(cast) => format!(
            "a cast (`as {}`) is not needed in the DSL: every number is already the function's \
             float type, and integer literals are read as floats; remove the cast",
            super::tokens_text(&cast.ty)
        ),
        syn::Expr::Macro(m)
            if m.mac.path.segments.last().is_some_and(|s| {
                [
                    "vec", "vector", "dmatrix", "dvector", "array", "arr1", "arr2",
                ]
                .contains(&s.ident.to_string().as_str())
            }) =>
        {
            format!(
                "macro `{}!` is not supported in a matcalc body: build a matrix with \
             `matrix![a, b; c, d]` of scalar DSL expressions, or bind data from the rest of the \
             program with a typed `let X: Matrix<R, C> = ..;`",
                super::tokens_text(&m.mac.path)
            )
        }
        _ => return None,
    })
}
