//! pgBackRest options as PGO reads them. PGO joins `options` with spaces into a shell command
//! line, so users write shell quoting (`--target="2026-12-02 01:54:41+00"`). The agent runs no
//! shell: it splits the line into words with the same quoting rules, and refuses what only a
//! shell would act on (expansions, pipes, redirections, command separators).

/// Splits `options` as a POSIX shell splits the command line they form.
pub fn shell_words(options: &[String]) -> Result<Vec<String>, String> {
    let line = options.join(" ");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated ' in {line:?}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unterminated \" in {line:?}")),
                        },
                        Some(c @ ('$' | '`')) => {
                            return Err(format!("{c:?} inside \"...\" would be expanded by a shell; quote it with '...' instead"))
                        }
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated \" in {line:?}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => word.push(c),
                    None => return Err(format!("a trailing \\ in {line:?}")),
                }
            }
            '$' | '`' | ';' | '|' | '&' | '<' | '>' | '(' | ')' | '*' | '?' | '[' | '#' | '~'
                if !in_word || matches!(c, '$' | '`' | ';' | '|' | '&' | '<' | '>' | '(' | ')') =>
            {
                return Err(format!(
                    "{c:?} has a meaning to a shell; quote the value with '...' if it is meant literally"
                ))
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(o: &[&str]) -> Result<Vec<String>, String> {
        shell_words(&o.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn pgo_documented_quoting_means_what_a_shell_makes_of_it() {
        assert_eq!(
            split(&["--type=time", "--target=\"2026-12-02 01:54:41.821944+00\""]).unwrap(),
            ["--type=time", "--target=2026-12-02 01:54:41.821944+00"]
        );
        assert_eq!(
            split(&["--target='2026-12-02 01:54:41+00'"]).unwrap(),
            ["--target=2026-12-02 01:54:41+00"]
        );
        assert_eq!(
            split(&["--type=full --buffer-size=4MiB"]).unwrap(),
            ["--type=full", "--buffer-size=4MiB"]
        );
        assert_eq!(
            split(&["--target", "2026-12-02\\ 01:54:41"]).unwrap(),
            ["--target", "2026-12-02 01:54:41"]
        );
        assert_eq!(split(&[r#"--x="a\"b""#]).unwrap(), [r#"--x=a"b"#]);
        assert!(split(&[]).unwrap().is_empty());
    }

    #[test]
    fn what_only_a_shell_would_act_on_is_refused() {
        for bad in [
            "--type=full; rm -rf /",
            "--target=$(date)",
            "--target=\"$HOME\"",
            "--x=`id`",
            "--x=a | tee",
            "--x=\"unterminated",
            "--x='unterminated",
            "> /tmp/x",
        ] {
            assert!(split(&[bad]).is_err(), "{bad}");
        }
        // Quoted, they are plain characters.
        assert_eq!(split(&["--x='a;b|c$d'"]).unwrap(), ["--x=a;b|c$d"]);
    }
}
