//! The layout's rules, checked on the source (GUIDE §2): dependencies run one way. A module
//! depends on another when its code (tests aside) names a path through it (`use
//! crate::commerce::ledger`, `crate::http::error::AppError`, `super::theme`); a module inside another is
//! part of it, not a dependency. The crate root is the composition root: it declares and
//! composes every module, and no module names anything in it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`commerce::ledger`, `""` for the root) → the modules it depends on.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module graph of the crate whose root file is `root_file` (`lib.rs` or `main.rs`).
pub fn graph(src: &Path, root_file: &str) -> std::io::Result<Graph> {
    let mut files = BTreeMap::new();
    collect(src, src, root_file, &mut files)?;
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, text) in &files {
        // `super::x` is the parent's `x`: written out, so it counts like any other path.
        let parent = module.rsplit_once("::").map_or("", |(parent, _)| parent);
        let absolute = if parent.is_empty() {
            "crate::".to_owned()
        } else {
            format!("crate::{parent}::")
        };
        let code = code_only(text).replace("super::", &absolute);
        let deps = references(&code)
            .iter()
            .filter_map(|path| owner(&modules, path))
            .filter(|dep| dep != module && (dep.is_empty() || !is_within(module, dep)))
            .collect();
        graph.insert(module.clone(), deps);
    }
    Ok(graph)
}

fn collect(
    src: &Path,
    dir: &Path,
    root_file: &str,
    files: &mut BTreeMap<String, String>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(src, &path, root_file, files)?;
            continue;
        }
        let Some(rel) = path.strip_prefix(src).ok().and_then(Path::to_str) else {
            continue;
        };
        let Some(rel) = rel.strip_suffix(".rs") else {
            continue;
        };
        let mut parts: Vec<&str> = rel.split('/').collect();
        if parts.last() == Some(&"mod") {
            parts.pop();
        }
        if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
            // The other root of a crate with both (the server's binary) is another crate.
            if parts[0] != root_file.trim_end_matches(".rs") {
                continue;
            }
            parts.clear();
        }
        files.insert(parts.join("::"), std::fs::read_to_string(&path)?);
    }
    Ok(())
}

/// The code without its unit tests and comments.
fn code_only(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path named after `crate::`, with `use` groups expanded: `crate::a::{b, c::d}` is
/// `a::b` and `a::c::d`.
fn references(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let tail = &rest[at + "crate::".len()..];
        let used = tree(tail, String::new(), &mut out);
        rest = &tail[used..];
    }
    out
}

/// Reads one use tree at the start of `text` under `prefix`; returns the bytes it used.
fn tree(text: &str, prefix: String, out: &mut Vec<String>) -> usize {
    let ident_end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    if ident_end == 0 {
        if let Some(group) = text.strip_prefix('{') {
            let mut used = 1;
            let mut inner = group;
            loop {
                let skipped = inner.len() - inner.trim_start_matches([' ', '\n', ',']).len();
                inner = &inner[skipped..];
                used += skipped;
                if inner.is_empty() || inner.starts_with('}') {
                    return used + usize::from(!inner.is_empty());
                }
                let n = tree(inner, prefix.clone(), out).max(1);
                inner = &inner[n..];
                used += n;
            }
        }
        if !prefix.is_empty() {
            out.push(prefix);
        }
        return 0;
    }
    let path = if prefix.is_empty() {
        text[..ident_end].to_owned()
    } else {
        format!("{prefix}::{}", &text[..ident_end])
    };
    let after = &text[ident_end..];
    match after.strip_prefix("::") {
        Some(more) => ident_end + 2 + tree(more, path, out),
        None => {
            out.push(path);
            ident_end
        }
    }
}

/// The module a path goes through: its longest prefix that is a module (`""`: the root).
fn owner(modules: &BTreeSet<String>, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    (0..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

fn is_within(module: &str, other: &str) -> bool {
    module.starts_with(&format!("{other}::")) || other.starts_with(&format!("{module}::"))
}

/// Groups of modules that depend on each other in a circle (Tarjan's strongly connected
/// components of more than one module).
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for dep in w.graph.get(v).into_iter().flatten() {
            let dep = dep.as_str();
            if !w.index.contains_key(dep) {
                visit(w, dep);
                let low = w.low[v].min(w.low[dep]);
                w.low.insert(v, low);
            } else if w.stack.contains(&dep) {
                let low = w.low[v].min(w.index[dep]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = Vec::new();
            while let Some(top) = w.stack.pop() {
                group.push(top.to_owned());
                if top == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                w.found.push(group);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for module in graph.keys() {
        if !walk.index.contains_key(module.as_str()) {
            visit(&mut walk, module);
        }
    }
    walk.found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::root;

    #[test]
    fn use_trees_are_expanded() {
        let refs = references(
            "use crate::a::{b, c::{d, E}};\nlet x = crate::f::g(1);\nuse crate::{h, i::J};",
        );
        assert_eq!(refs, ["a::b", "a::c::d", "a::c::E", "f::g", "h", "i::J"]);
    }

    #[test]
    fn a_circle_is_found() {
        let graph: Graph = [
            ("a", &["b"][..]),
            ("b", &["c"]),
            ("c", &["a"]),
            ("d", &["a"]),
        ]
        .into_iter()
        .map(|(m, deps)| (m.to_owned(), deps.iter().map(|d| (*d).to_owned()).collect()))
        .collect();
        assert_eq!(cycles(&graph), [vec!["a", "b", "c"]]);
    }

    #[test]
    fn server_modules_import_one_way() -> std::io::Result<()> {
        let graph = graph(&root().join("server/src"), "lib.rs")?;
        assert!(graph.contains_key("commerce::ledger"), "{graph:?}");
        assert_eq!(cycles(&graph), Vec::<Vec<String>>::new());
        // Plumbing and storage are below every capability.
        for low in ["http", "storage"] {
            for (module, deps) in &graph {
                if module.starts_with(low) {
                    let up: Vec<_> = deps
                        .iter()
                        .filter(|d| !d.starts_with("http") && !d.starts_with("storage"))
                        .collect();
                    assert!(up.is_empty(), "{module} depends on {up:?}");
                }
            }
        }
        Ok(())
    }

    /// The page a module belongs to (`pages::post::comments` → `post`), if it is one.
    fn page_of(module: &str) -> Option<&str> {
        module.strip_prefix("pages::")?.split("::").next()
    }

    #[test]
    fn app_modules_import_one_way_and_pages_stand_alone() -> std::io::Result<()> {
        let graph = graph(&root().join("src"), "main.rs")?;
        assert!(graph.keys().any(|m| m.starts_with("pages::")), "{graph:?}");
        assert_eq!(cycles(&graph), Vec::<Vec<String>>::new());
        for (module, deps) in &graph {
            for dep in deps {
                if let (Some(page), Some(other)) = (page_of(module), page_of(dep)) {
                    assert_eq!(page, other, "the page {module} imports the page {dep}");
                }
                let shared = ["components", "state", "ui", "client", "i18n"];
                if shared.iter().any(|room| module.starts_with(room)) {
                    assert!(!dep.starts_with("pages"), "{module} imports the page {dep}");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn server_top_level_is_the_root_the_config_and_rooms() -> std::io::Result<()> {
        for entry in std::fs::read_dir(root().join("server/src"))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert!(
                path.is_dir() || ["lib.rs", "main.rs", "config.rs"].contains(&name),
                "server/src/{name} belongs in a folder"
            );
        }
        Ok(())
    }
}
