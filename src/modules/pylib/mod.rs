//! Modules that CPython writes in Python, written here in coro: `string`, `textwrap`,
//! `shlex`, `difflib`, `html` (with `html.entities`), `fractions`, `keyword`, `numbers`, `pprint`, `urllib.parse`, `uuid` and `secrets`. Each is its own source
//! file, run in a fresh module when first imported.

/// The coro source of the named module, if it is one of these.
pub fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" => include_str!("string.coro"),
        "textwrap" => include_str!("textwrap.coro"),
        "shlex" => include_str!("shlex.coro"),
        "difflib" => include_str!("difflib.coro"),
        "html" => include_str!("html.coro"),
        "html.entities" => include_str!("entities.coro"),
        "fractions" => include_str!("fractions.coro"),
        "keyword" => include_str!("keyword.coro"),
        "numbers" => include_str!("numbers.coro"),
        "pprint" => include_str!("pprint.coro"),
        "uuid" => include_str!("uuid.coro"),
        "secrets" => include_str!("secrets.coro"),
        "urllib" => "# urllib: the package of urllib.parse.\n",
        "urllib.parse" => include_str!("urllib_parse.coro"),
        _ => return None,
    })
}
