//! Output comparison: turning the unikernel console into the program's own
//! output ([`program_output_from_console`], the one place that knows the
//! kernel's console conventions) and a small line diff for failure reports.

/// Tells whether a console line is the kernel's own rather than the
/// program's: the kernel prefixes every line it prints with `rumprun:`
/// (rumprun-rs/src/console.rs), and the launcher's notes use the same prefix.
pub fn is_kernel_console_line(line: &str) -> bool {
    line.starts_with("rumprun:")
}

/// Returns the program's output from the unikernel's serial console: CRLF
/// becomes LF (the 16550 driver writes `\r\n` for `\n`, as a terminal
/// expects) and kernel lines are dropped.
pub fn program_output_from_console(console: &str) -> String {
    let text = console.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !is_kernel_console_line(line) {
            out.push_str(line);
        }
    }
    out
}

/// Returns the kernel's lines from the console (for failure diagnosis).
pub fn kernel_lines_from_console(console: &str) -> Vec<String> {
    console
        .replace("\r\n", "\n")
        .lines()
        .filter(|l| is_kernel_console_line(l))
        .map(str::to_owned)
        .collect()
}

/// Returns a line diff of `expected` (native) against `actual` (unikernel),
/// `-` for lines only in the native output, `+` for lines only in the
/// unikernel's, with at most `max_lines` lines.
pub fn line_diff(expected: &str, actual: &str, max_lines: usize) -> Vec<String> {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence table; outputs here are small (< 1000 lines).
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return vec![format!(
            "(outputs too long to diff: {} and {} lines)",
            a.len(),
            b.len()
        )];
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Native lines first on a tie, so a changed block reads - then +.
            out.push(format!("-{}", a[i]));
            i += 1;
        } else {
            out.push(format!("+{}", b[j]));
            j += 1;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n')
        && !expected.is_empty()
        && !actual.is_empty()
    {
        out.push("(the outputs differ in their final newline)".to_owned());
    }
    if out.len() > max_lines {
        let more = out.len() - max_lines;
        out.truncate(max_lines);
        out.push(format!("... {more} more diff lines"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_lines_and_crlf_are_removed() {
        let console = "rumprun: booting\r\nhello\r\nrumprun: exit 0\r\nbye\r\n";
        assert_eq!(program_output_from_console(console), "hello\nbye\n");
        assert_eq!(
            kernel_lines_from_console(console),
            ["rumprun: booting", "rumprun: exit 0"]
        );
    }

    #[test]
    fn program_lines_mentioning_rumprun_later_are_kept() {
        assert_eq!(
            program_output_from_console("I like rumprun:\n"),
            "I like rumprun:\n"
        );
    }

    #[test]
    fn diff_shows_changed_lines_only() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\nd\n", 10);
        assert_eq!(d, ["-b", "+B", "+d"]);
        assert!(line_diff("same\n", "same\n", 10).is_empty());
    }

    #[test]
    fn diff_is_capped() {
        let d = line_diff("", "1\n2\n3\n4\n", 2);
        assert_eq!(d, ["+1", "+2", "... 2 more diff lines"]);
    }

    #[test]
    fn missing_final_newline_is_reported() {
        assert_eq!(
            line_diff("a\n", "a", 10),
            ["(the outputs differ in their final newline)"]
        );
    }
}
