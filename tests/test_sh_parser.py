"""Parser tests for the mini-shell: structure, heredocs, error wording (bash 5.2 / busybox ash), continuation."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from k8stutor.engine.runtime.sh import ShSyntaxError, needs_more_input, parse
from k8stutor.engine.runtime.sh import parser as p


def test_simple_command_words_and_assignments() -> None:
    seq = parse("A=1 B=two cmd arg1 'arg 2'")
    cmd = seq.items[0][0]
    assert isinstance(cmd, p.SimpleCommand)
    assert [n for n, _ in cmd.assigns] == ["A", "B"]
    assert [w.raw for w in cmd.words] == ["cmd", "arg1", "'arg 2'"]


def test_lists_pipelines_and_compounds() -> None:
    seq = parse("a | b && c || d; (e) ; { f; } &\nif x; then y; elif z; then w; else v; fi")
    kinds = [type(n).__name__ for n, _ in seq.items]
    assert kinds == ["AndOr", "Subshell", "Group", "If"]
    assert seq.items[2][1] is True  # background flag kept
    node = seq.items[3][0]
    assert isinstance(node, p.If) and len(node.clauses) == 2 and node.orelse is not None


def test_loops_case_and_functions() -> None:
    seq = parse(
        "for i in 1 2 3; do echo $i; done\nwhile true; do break; done\nuntil false; do :; done\n"
        "case $x in a|b) echo ab;; *) echo other;; esac\ngreet() { echo hi; }"
    )
    kinds = [type(n).__name__ for n, _ in seq.items]
    assert kinds == ["For", "While", "While", "Case", "FuncDef"]
    assert seq.items[2][0].until is True  # type: ignore[attr-defined]
    case = seq.items[3][0]
    assert isinstance(case, p.Case) and [w.raw for w in case.items[0][0]] == ["a", "b"]


def test_heredoc_piped_into_command_spans_lines() -> None:
    seq = parse("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: $KIND\nEOF\necho next")
    pipe = seq.items[0][0]
    assert isinstance(pipe, p.Pipeline)
    first = pipe.commands[0]
    assert isinstance(first, p.SimpleCommand)
    hd = first.redirects[0].heredoc
    assert hd is not None and hd.body == "apiVersion: v1\nkind: $KIND\n" and not hd.quoted
    assert [w.raw for w in seq.items[1][0].words] == ["echo", "next"]  # type: ignore[attr-defined]


def test_quoted_and_dash_heredoc() -> None:
    seq = parse("cat <<'EOF'\n$NOT_EXPANDED\nEOF\ncat <<-END\n\tindented\n\tEND\n")
    hd1 = seq.items[0][0].redirects[0].heredoc  # type: ignore[attr-defined]
    hd2 = seq.items[1][0].redirects[0].heredoc  # type: ignore[attr-defined]
    assert hd1.quoted and hd1.body == "$NOT_EXPANDED\n"
    assert hd2.strip_tabs and hd2.body == "indented\n"


def test_redirections_with_fds() -> None:
    cmd = parse("cmd >out 2>&1 2>/dev/null &>all <in >>app")
    c = cmd.items[0][0]
    assert isinstance(c, p.SimpleCommand)
    assert [(r.fd, r.op, r.target.raw) for r in c.redirects] == [
        (1, ">", "out"),
        (2, ">&", "1"),
        (2, ">", "/dev/null"),
        (1, "&>", "all"),
        (0, "<", "in"),
        (1, ">>", "app"),
    ]


@pytest.mark.parametrize(
    ("script", "busybox"),
    [
        ("fi", 'sh: syntax error: unexpected "fi"'),
        ("if true; then echo", 'sh: syntax error: unexpected end of file (expecting "fi")'),
        ("while true; do echo", 'sh: syntax error: unexpected end of file (expecting "done")'),
        ("echo 'abc", "sh: syntax error: unterminated quoted string"),
        ("if then fi", 'sh: syntax error: unexpected "then"'),
        ("echo a ;; b", 'sh: syntax error: unexpected ";;"'),
    ],
)
def test_busybox_error_wording(script: str, busybox: str) -> None:
    with pytest.raises(ShSyntaxError) as info:
        parse(script)
    assert str(info.value) == busybox


# What bash 5.2 prints for `bash -c SCRIPT`, minus its "-c: line N: " location prefix.
BASH_CASES = [
    ("fi", "bash: syntax error near unexpected token `fi'"),
    ("if true; then echo", "bash: syntax error: unexpected end of file"),
    ("echo 'abc", "bash: unexpected EOF while looking for matching `''"),
    ('echo "abc', "bash: unexpected EOF while looking for matching `\"'"),
    ("done", "bash: syntax error near unexpected token `done'"),
    ("echo a ;; b", "bash: syntax error near unexpected token `;;'"),
]


@pytest.mark.parametrize(("script", "expected"), BASH_CASES)
def test_bash_error_wording(script: str, expected: str) -> None:
    with pytest.raises(ShSyntaxError) as info:
        parse(script, name="bash")
    assert str(info.value) == expected


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize(("script", "expected"), BASH_CASES)
def test_bash_error_wording_matches_real_bash(script: str, expected: str) -> None:
    real = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    first = real.stderr.splitlines()[0]
    # real: "bash: -c: line 1: syntax error ..." -- drop the location the REPL form does not print
    without_location = first.split(": ", 3)
    assert "bash: " + without_location[-1] == expected
    assert real.returncode == 2


@pytest.mark.parametrize(
    "text",
    [
        "echo 'abc",
        'echo "abc',
        "if true; then",
        "while true; do echo x",
        "for i in 1 2; do",
        "cat <<EOF\nline",
        "echo a |",
        "echo a &&",
        "echo a \\",
        "case x in",
        "{ echo",
        "echo $(echo",
    ],
)
def test_needs_more_input_for_unfinished_commands(text: str) -> None:
    assert needs_more_input(text)


@pytest.mark.parametrize("text", ["echo hi", "cat <<EOF\nline\nEOF", "fi", "if true; then echo; fi", ""])
def test_needs_more_input_false_for_complete_or_broken(text: str) -> None:
    assert not needs_more_input(text)


def test_comments_and_line_continuation() -> None:
    seq = parse("# a comment\necho a \\\n  b # trailing\n")
    cmd = seq.items[0][0]
    assert [w.raw for w in cmd.words] == ["echo", "a", "b"]  # type: ignore[attr-defined]


def test_parse_never_raises_other_errors_on_garbage() -> None:
    for text in ["(((((", ")", "$((", "${", "`", "<<", "a <", "&& a", "| a", ";", "(" * 2000]:
        try:
            parse(text)
        except ShSyntaxError:
            pass
