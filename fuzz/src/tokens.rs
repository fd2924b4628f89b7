//! A function as a flat list of tokens: what the mutations edit. Delimiters are tokens of
//! their own so a mutation can unbalance them, and joint punctuation (`->`, `::`, `+=`) is one
//! token so an operator is replaced as a whole.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Literal,
    Punct,
    Open,
    Close,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tok {
    pub text: String,
    pub kind: Kind,
}

impl Tok {
    pub fn new(text: &str, kind: Kind) -> Self {
        Tok {
            text: text.to_string(),
            kind,
        }
    }
}

/// Flattens a token stream (groups become open, contents, close).
pub fn flatten(stream: TokenStream, out: &mut Vec<Tok>) {
    let mut pending_punct = String::new();
    for tree in stream {
        match tree {
            TokenTree::Punct(p) => {
                pending_punct.push(p.as_char());
                if p.spacing() == Spacing::Alone {
                    out.push(Tok::new(&pending_punct, Kind::Punct));
                    pending_punct.clear();
                }
                continue;
            }
            _ if !pending_punct.is_empty() => {
                out.push(Tok::new(&pending_punct, Kind::Punct));
                pending_punct.clear();
            }
            _ => {}
        }
        match tree {
            TokenTree::Ident(i) => out.push(Tok::new(&i.to_string(), Kind::Ident)),
            TokenTree::Literal(l) => out.push(Tok::new(&l.to_string(), Kind::Literal)),
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    out.push(Tok::new(open, Kind::Open));
                }
                flatten(g.stream(), out);
                if !close.is_empty() {
                    out.push(Tok::new(close, Kind::Close));
                }
            }
            TokenTree::Punct(_) => unreachable!("handled above"),
        }
    }
    if !pending_punct.is_empty() {
        out.push(Tok::new(&pending_punct, Kind::Punct));
    }
}

/// The tokens of `text`, or `None` if it does not lex.
pub fn lex(text: &str) -> Option<Vec<Tok>> {
    let stream: TokenStream = text.parse().ok()?;
    let mut out = Vec::new();
    flatten(stream, &mut out);
    Some(out)
}

/// Source text for the tokens: one space between tokens, so every token keeps its boundaries.
pub fn render(tokens: &[Tok]) -> String {
    let mut text = String::with_capacity(tokens.iter().map(|t| t.text.len() + 1).sum());
    for (i, tok) in tokens.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&tok.text);
    }
    text
}

/// The index of the body's `{`: the first brace of a function item.
pub fn body_start(tokens: &[Tok]) -> usize {
    tokens
        .iter()
        .position(|t| t.text == "{")
        .unwrap_or(tokens.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_then_lex_is_the_identity() {
        let text = "#[grad(X)] fn f<N: Dim>(X: &Matrix<N, N>) -> f64 { let y = -X; tr(y.t() * X) + 1.5e3 }";
        let tokens = lex(text).unwrap();
        assert!(tokens
            .iter()
            .any(|t| t.text == "->" && t.kind == Kind::Punct));
        assert!(tokens
            .iter()
            .any(|t| t.text == "1.5e3" && t.kind == Kind::Literal));
        assert_eq!(tokens.iter().filter(|t| t.kind == Kind::Open).count(), 6);
        assert_eq!(lex(&render(&tokens)).unwrap(), tokens);
        assert_eq!(tokens[body_start(&tokens)].text, "{");
        assert_eq!(tokens[body_start(&tokens) + 1].text, "let");
    }
}
