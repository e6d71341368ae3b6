//! TMT's generation filter language, compiled once per rule against a knowledge base.
//!
//! ```text
//! expr  := and ('or' and)*
//! and   := unary ('and' unary)*
//! unary := 'not' unary | '(' expr ')' | test
//! test  := ROLE 'is' 'TYPE' | ROLE '.' ATTR 'is' 'VALUE' | 'flow' 'crosses' 'TYPE'
//! ROLE  := source | target | flow
//! ```
//! Type tests hold for the named type and its descendants; `'ROOT'` and types the template does
//! not define never hold. Keywords are case-insensitive; quoted values are compared exactly.

use crate::kb::KnowledgeBase;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source = 0,
    Flow = 1,
    Target = 2,
}

/// A compiled filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(bool),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Is {
        role: Role,
        ty: usize,
    },
    Attr {
        role: Role,
        name: String,
        value: String,
    },
    Crosses {
        ty: usize,
    },
}

/// What a filter is evaluated against: one interaction (source, flow, target).
pub struct Subject<'a> {
    pub kb: &'a KnowledgeBase,
    /// Type index of source, flow, target (indexed by [`Role`]).
    pub types: [usize; 3],
    /// Effective attribute values of source, flow, target.
    pub attrs: [&'a HashMap<String, String>; 3],
    /// Type indices of the boundaries the flow crosses.
    pub crossed: &'a [usize],
}

impl Expr {
    pub fn eval(&self, s: &Subject<'_>) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::And(v) => v.iter().all(|e| e.eval(s)),
            Expr::Or(v) => v.iter().any(|e| e.eval(s)),
            Expr::Not(e) => !e.eval(s),
            Expr::Is { role, ty } => s.kb.is_a(s.types[*role as usize], *ty),
            Expr::Attr { role, name, value } => s.attrs[*role as usize]
                .get(name)
                .is_some_and(|v| v == value),
            Expr::Crosses { ty } => s.crossed.iter().any(|&b| s.kb.is_a(b, *ty)),
        }
    }
}

/// A parse error: character offset and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Open,
    Close,
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, FilterError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push((pos, Tok::Open));
            i += 1;
        } else if c == ')' {
            out.push((pos, Tok::Close));
            i += 1;
        } else if c == '\'' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < chars.len() && chars[j].1 != '\'' {
                s.push(chars[j].1);
                j += 1;
            }
            if j >= chars.len() {
                return Err(FilterError {
                    position: pos,
                    message: "unterminated quoted value; expected a closing '".into(),
                });
            }
            out.push((pos, Tok::Quoted(s)));
            i = j + 1;
        } else if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' {
            let mut s = String::new();
            while i < chars.len() {
                let c = chars[i].1;
                if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' {
                    s.push(c);
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((pos, Tok::Word(s)));
        } else {
            return Err(FilterError {
                position: pos,
                message: format!("unexpected character {c:?}"),
            });
        }
    }
    Ok(out)
}

/// Deepest nesting of `(` and `not` accepted. Real templates nest a handful of levels; the bound
/// keeps a hostile filter from overflowing the stack of this recursive-descent parser.
pub const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    toks: Vec<(usize, Tok)>,
    i: usize,
    /// Current nesting of `(` and `not`.
    depth: usize,
    end: usize,
    kb: &'a KnowledgeBase,
}

/// Compiles filter text; an empty filter compiles to `default`.
pub fn compile(src: &str, kb: &KnowledgeBase, default: bool) -> Result<Expr, FilterError> {
    if src.trim().is_empty() {
        return Ok(Expr::Const(default));
    }
    let mut p = Parser {
        toks: lex(src)?,
        i: 0,
        depth: 0,
        end: src.len(),
        kb,
    };
    let e = p.expr()?;
    if p.i < p.toks.len() {
        return Err(p.err("expected 'and', 'or' or the end of the filter"));
    }
    Ok(e)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(_, t)| t)
    }

    fn err(&self, expected: &str) -> FilterError {
        let (position, found) = match self.toks.get(self.i) {
            Some((p, t)) => (*p, format!("{t:?}")),
            None => (self.end, "the end of the filter".into()),
        };
        FilterError {
            position,
            message: format!("found {found}; {expected}"),
        }
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            self.i += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut parts = vec![self.unary()?];
        while self.keyword("and") {
            self.i += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        let nests = self.keyword("not") || self.peek() == Some(&Tok::Open);
        if !nests {
            return self.test();
        }
        if self.depth >= MAX_DEPTH {
            return Err(FilterError {
                position: self.toks[self.i].0,
                message: format!(
                    "parentheses and 'not' nested more than {MAX_DEPTH} deep; expected a flatter filter"
                ),
            });
        }
        self.depth += 1;
        let e = self.nested();
        self.depth -= 1;
        e
    }

    /// `not unary` or `( expr )`, the two forms that nest.
    fn nested(&mut self) -> Result<Expr, FilterError> {
        if self.keyword("not") {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.i += 1; // '('
        let e = self.expr()?;
        if self.peek() != Some(&Tok::Close) {
            return Err(self.err("expected ')'"));
        }
        self.i += 1;
        Ok(e)
    }

    fn quoted(&mut self) -> Result<String, FilterError> {
        match self.peek() {
            Some(Tok::Quoted(s)) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err("expected a quoted value like 'GE.P'")),
        }
    }

    fn type_test(&self, name: &str) -> Option<usize> {
        // 'ROOT' and unknown types match nothing.
        self.kb.type_index(name)
    }

    fn test(&mut self) -> Result<Expr, FilterError> {
        let word = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(self.err("expected 'source', 'target', 'flow', 'not' or '('")),
        };
        let (role_word, attr) = match word.split_once('.') {
            Some((r, a)) => (r.to_string(), Some(a.to_string())),
            None => (word.clone(), None),
        };
        let role = match role_word.to_ascii_lowercase().as_str() {
            "source" => Role::Source,
            "target" => Role::Target,
            "flow" => Role::Flow,
            _ => return Err(self.err("expected 'source', 'target' or 'flow'")),
        };
        self.i += 1;
        if attr.is_none() && role == Role::Flow && self.keyword("crosses") {
            self.i += 1;
            let ty = self.quoted()?;
            return Ok(match self.type_test(&ty) {
                Some(ty) => Expr::Crosses { ty },
                None => Expr::Const(false),
            });
        }
        if !self.keyword("is") {
            return Err(self.err("expected 'is'"));
        }
        self.i += 1;
        let value = self.quoted()?;
        Ok(match attr {
            Some(name) if !name.is_empty() => Expr::Attr { role, name, value },
            Some(_) => return Err(self.err("expected an attribute name after '.'")),
            None => match self.type_test(&value) {
                Some(ty) => Expr::Is { role, ty },
                None => Expr::Const(false),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_errors() {
        let kb = KnowledgeBase::builtin();
        let e = compile(
            "source is 'GE.P' or source is 'GE.EI' and not target is 'ROOT'",
            &kb,
            false,
        )
        .unwrap();
        match e {
            Expr::Or(v) => {
                assert_eq!(v.len(), 2);
                assert!(matches!(v[1], Expr::And(_)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            compile("source is 'ROOT'", &kb, false).unwrap(),
            Expr::Const(false)
        );
        assert_eq!(compile("  ", &kb, true).unwrap(), Expr::Const(true));
        let err = compile("(source is 'GE.P'", &kb, false).unwrap_err();
        assert!(err.message.contains("expected ')'"), "{err:?}");
        let err = compile("source was 'GE.P'", &kb, false).unwrap_err();
        assert_eq!(err.position, 7);
        let e = compile(
            "flow.54851a3b-65da-4902-b4e0-94ef015be735 is 'None'",
            &kb,
            false,
        )
        .unwrap();
        assert!(
            matches!(e, Expr::Attr { role: Role::Flow, ref name, .. } if name.starts_with("54851a3b"))
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let kb = KnowledgeBase::builtin();
        let deep = format!(
            "{}source is 'GE.P'{}",
            "(".repeat(20_000),
            ")".repeat(20_000)
        );
        let err = compile(&deep, &kb, false).unwrap_err();
        assert_eq!(err.position, MAX_DEPTH, "{err:?}");
        assert!(err.message.contains("nested more than 100 deep"), "{err:?}");
        let nots = format!("{}source is 'GE.P'", "not ".repeat(20_000));
        let err = compile(&nots, &kb, false).unwrap_err();
        assert!(err.message.contains("nested more than"), "{err:?}");
        // The bound itself is accepted.
        let ok = format!(
            "{}source is 'GE.P'{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(compile(&ok, &kb, false).is_ok());
    }
}
