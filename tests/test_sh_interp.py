"""Interpreter tests for the mini-shell: the Kubernetes docs classics, expansions, builtins, limits."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from k8stutor.engine.runtime.sh import VFS, CommandContext, Shell, ShResult
from k8stutor.engine.timeutil import EPOCH


class Clock:
    """A fake host clock: sleeping just advances virtual time."""

    def __init__(self) -> None:
        self.now = float(EPOCH)
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make_shell(commands: dict | None = None, **kw: object) -> tuple[Shell, Clock]:
    fs = VFS.from_dict({"/tmp/": "", "/etc/hostname": "web-0\n", "/root/": ""})
    clock = Clock()
    env = {"HOME": "/root", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    sh = Shell(fs, commands or {}, env, clock=lambda: clock.now, clock_sleep=clock.sleep, **kw)  # type: ignore[arg-type]
    fs.set_clock(lambda: clock.now)
    return sh, clock


def run(script: str, **kw: object) -> ShResult:
    sh, _ = make_shell(**kw)  # type: ignore[arg-type]
    return sh.run(script)


# -- the Kubernetes documentation classics -----------------------------------------------------------------


def test_liveness_probe_classic() -> None:
    sh, clock = make_shell()
    script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"
    res = sh.run(script)
    assert res == ShResult(b"", b"", 0)
    assert clock.slept == [30.0, 600.0]
    assert not sh.vfs.exists("/tmp/healthy")


def test_probe_sees_file_between_sleeps() -> None:
    seen = []

    def probe_sleep(seconds: float) -> None:
        seen.append(sh.run("cat /tmp/healthy").exit_code)

    sh, _ = make_shell()
    sh._clock_sleep = probe_sleep
    sh.run("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600")
    assert seen == [0, 1]


def test_init_container_until_loop_with_fake_nslookup() -> None:
    calls = []

    def nslookup(ctx: CommandContext) -> int:
        calls.append(ctx.argv[1])
        if len(calls) < 3:
            ctx.stdout.write(f"** server can't find {ctx.argv[1]}: NXDOMAIN\n")
            return 1
        ctx.stdout.write(f"Name:\t{ctx.argv[1]}\nAddress: 10.96.0.42\n")
        return 0

    sh, clock = make_shell({"nslookup": nslookup})
    res = sh.run("until nslookup myservice; do echo waiting for myservice; sleep 2; done")
    assert res.exit_code == 0
    assert res.stdout.decode().count("waiting for myservice\n") == 2
    assert clock.slept == [2.0, 2.0]
    assert calls == ["myservice"] * 3


def test_echo_sleep_exit() -> None:
    sh, clock = make_shell()
    res = sh.run("echo Hello; sleep 10; exit 1; echo never")
    assert res == ShResult(b"Hello\n", b"", 1)
    assert clock.slept == [10.0]


def test_for_loop_and_command_substitution() -> None:
    assert run("for i in 1 2 3; do echo $i; done").stdout == b"1\n2\n3\n"
    assert run("echo $(echo a b | wc -w)").stdout == b"2\n"
    assert run("echo `echo back tick`").stdout == b"back tick\n"


def test_heredoc_piped_into_fake_kubectl() -> None:
    got = {}

    def kubectl(ctx: CommandContext) -> int:
        got["argv"] = ctx.argv
        got["stdin"] = ctx.stdin
        ctx.stdout.write("pod/web created\n")
        return 0

    sh, _ = make_shell({"kubectl": kubectl})
    res = sh.run("NAME=web\ncat <<EOF | kubectl apply -f -\nkind: Pod\nname: $NAME\nEOF\necho done")
    assert res.stdout == b"pod/web created\ndone\n"
    assert got == {"argv": ["kubectl", "apply", "-f", "-"], "stdin": b"kind: Pod\nname: web\n"}
    quoted = sh.run("cat <<'EOF'\nname: $NAME\nEOF")
    assert quoted.stdout == b"name: $NAME\n"


def test_kubectl_delete_first_pod_substitution() -> None:
    seen = []

    def kubectl(ctx: CommandContext) -> int:
        if ctx.argv[1] == "get":
            ctx.stdout.write("pod/a\npod/b\n")
        else:
            seen.append(ctx.argv)
        return 0

    sh, _ = make_shell({"kubectl": kubectl})
    sh.run("kubectl delete $(kubectl get pods -o name | head -1)")
    assert seen == [["kubectl", "delete", "pod/a"]]


# -- quoting, expansion, exit codes -------------------------------------------------------------------------

# Scripts that use only builtins; their output must equal real bash's (checked below when bash exists).
BASH_SAME = [
    ('x="a  b"; echo $x; echo "$x"', b"a b\na  b\n"),
    ("echo 'single $HOME' \"double $0\"", b"single $HOME double bash\n"),
    ('echo "a\\"b" \'c\'"d" e\\ f', b'a"b cd e f\n'),
    ("echo ${U:-default} ${U-x} ${#HOME}", b"default x 5\n"),
    ("v=hello.tar.gz; echo ${v%.*} ${v%%.*} ${v#*.} ${v##*.}", b"hello.tar hello tar.gz gz\n"),
    ("echo $((3 + 4 * 2)) $((10 / 3)) $((10 % 3)) $((2 > 1)) $((-7 / 2))", b"11 3 1 1 -3\n"),
    ("false; echo $?; true; echo $?", b"1\n0\n"),
    ('set -- a \'b c\' d; echo $#; for x in "$@"; do echo "[$x]"; done', b"3\n[a]\n[b c]\n[d]\n"),
    ('e=""; set -- $e; echo $#; set -- "$e"; echo $#', b"0\n1\n"),
    ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i", b"3\n"),
    ("for i in 1 2 3 4; do if [ $i = 2 ]; then continue; fi; [ $i = 4 ] && break; echo $i; done", b"1\n3\n"),
    ("case abc in a*) echo star;; *) echo other;; esac", b"star\n"),
    ("case x.yaml in *.json|*.yaml) echo cfg;; esac", b"cfg\n"),
    ('f() { echo "f:$1:$#"; return 3; }; f one two; echo $?', b"f:one:2\n3\n"),
    ("A=1; (A=2; echo $A); echo $A", b"2\n1\n"),
    ("{ echo a; echo b; } | wc -l", b"2\n"),
    ("! false; echo $?", b"0\n"),
    ("true && echo yes || echo no; false && echo yes || echo no", b"yes\nno\n"),
    ("echo -n a; echo b", b"ab\n"),
    ("echo -e 'a\\tb'", b"a\tb\n"),
    ("printf '%s=%d\\n' a 1 b 2", b"a=1\nb=2\n"),
    ("printf '%5s|%-3s|%03d\\n' x y 7", b"    x|y  |007\n"),
    ("x=$(printf 'a\\n\\n\\n'); echo \"[$x]\"", b"[a]\n"),
    ("sh -c 'echo $0 $1 $#' zero one two", b"zero one 2\n"),
    ("set -e; echo start; false; echo never", b"start\n"),
    ("set -e; false || true; if false; then :; fi; echo survived", b"survived\n"),
    ("set -e; false && true; echo survived", b"survived\n"),
    ('read a b <<EOF\n1 2 3\nEOF\necho "$a|$b"', b"1|2 3\n"),
    ("printf 'x\\ny\\n' | while read l; do echo \"<$l>\"; done", b"<x>\n<y>\n"),
    ("echo a; exit 3; echo b", b"a\n"),
    ("IFS=:; x=a:b:c; for p in $x; do echo $p; done", b"a\nb\nc\n"),
    ("echo ${x:=set}; echo $x; echo ${x:+alt}", b"set\nset\nalt\n"),
    ("v=a-b-c; echo ${v/-/+} ${v//-/+}", b"a+b-c a+b+c\n"),
    ("a=1 b=2; echo $((a+b)) $((a==1 && b==2))", b"3 1\n"),
    ("test 3 -gt 2 && [ abc != abd ] && [ -z '' ] && [ -n x ] && echo ok", b"ok\n"),
    ("echo $(( (1+2) * 3 ))", b"9\n"),
]


@pytest.mark.parametrize(("script", "expected"), BASH_SAME)
def test_behaves_like_bash(script: str, expected: bytes) -> None:
    res = run(script, name="bash")
    assert res.stdout == expected, res.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize(("script", "expected"), BASH_SAME)
def test_expected_outputs_are_what_real_bash_prints(script: str, expected: bytes) -> None:
    real = subprocess.run(["bash", "-c", script], capture_output=True, check=False, env={"HOME": "/root"})
    assert real.stdout == expected
    assert run(script, name="bash").exit_code == real.returncode


def test_exit_codes() -> None:
    assert run("exit 3").exit_code == 3
    assert run("false").exit_code == 1
    assert run("true; false; true").exit_code == 0
    assert run("! true").exit_code == 1
    assert run("exit 300").exit_code == 44


def test_not_found_wording_busybox_and_bash() -> None:
    assert run("nosuch arg") == ShResult(b"", b"sh: nosuch: not found\n", 127)
    assert run("nosuch", name="bash") == ShResult(b"", b"bash: nosuch: command not found\n", 127)


def test_syntax_error_reported_on_stderr_with_exit_2() -> None:
    assert run("echo a; fi") == ShResult(b"", b'sh: syntax error: unexpected "fi"\n', 2)


def test_variables_and_cwd_persist_across_runs_in_a_repl() -> None:
    sh, _ = make_shell()
    sh.run("export GREETING=hi; mkdir -p /srv/app; cd /srv/app")
    assert sh.run('echo "$GREETING $(pwd)"').stdout == b"hi /srv/app\n"
    assert sh.run("env | grep GREETING").stdout == b"GREETING=hi\n"


def test_prefix_assignment_is_only_for_that_command() -> None:
    got = {}

    def show(ctx: CommandContext) -> int:
        got.update(ctx.env)
        return 0

    sh, _ = make_shell({"show": show})
    res = sh.run('FOO=bar show; echo "[$FOO]"')
    assert got["FOO"] == "bar"
    assert res.stdout == b"[]\n"


def test_redirections_to_vfs() -> None:
    sh, _ = make_shell()
    res = sh.run(
        "echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; cat < /tmp/f | wc -l; "
        "cat /nope 2>/dev/null; echo $?; cat /nope 2>&1 | tr a-z A-Z; ls /nope &> /tmp/err; cat /tmp/err"
    )
    assert res.stdout == (
        b"one\ntwo\n2\n1\nCAT: CAN'T OPEN '/NOPE': NO SUCH FILE OR DIRECTORY\nls: /nope: No such file or directory\n"
    )
    assert res.stderr == b""


def test_redirection_errors_busybox_wording() -> None:
    res = run("echo x > /nodir/file; cat < /missing; echo after")
    assert (
        res.stderr
        == b"sh: can't create /nodir/file: nonexistent directory\nsh: can't open /missing: no such file\n"
    )
    assert res.stdout == b"after\n"


def test_globbing_only_against_vfs() -> None:
    sh, _ = make_shell()
    sh.run("touch /tmp/a.yaml /tmp/b.yaml /tmp/c.json /tmp/.hidden")
    assert sh.run("echo /tmp/*.yaml").stdout == b"/tmp/a.yaml /tmp/b.yaml\n"
    assert sh.run("cd /tmp; echo ?.json *").stdout == b"c.json a.yaml b.yaml c.json\n"
    assert sh.run("echo /tmp/*.txt '*'").stdout == b"/tmp/*.txt *\n"
    assert sh.run("echo ~ ~/x").stdout == b"/root /root/x\n"


def test_busybox_error_texts_of_file_utilities() -> None:
    res = run("cat nope; rm nope; mkdir /tmp; cd /nope; ls /nope")
    assert res.stderr.decode().splitlines() == [
        "cat: can't open 'nope': No such file or directory",
        "rm: can't remove 'nope': No such file or directory",
        "mkdir: can't create directory '/tmp': File exists",
        "sh: cd: can't cd to /nope: No such file or directory",
        "ls: /nope: No such file or directory",
    ]


def test_text_utilities() -> None:
    sh, _ = make_shell()
    sh.vfs.write("/tmp/data", b"b 2\na 1\nc 3\na 1\n")
    assert sh.run("sort /tmp/data | uniq -c").stdout == b"      2 a 1\n      1 b 2\n      1 c 3\n"
    assert sh.run("sort -rn -k2 /tmp/data | head -n 1").stdout == b"c 3\n"
    assert sh.run("cut -d' ' -f2 /tmp/data | tr '\\n' ,").stdout == b"2,1,3,1,"
    assert (
        sh.run("grep -c a /tmp/data; grep -v a /tmp/data; grep -n '^c' /tmp/data").stdout
        == b"2\nb 2\nc 3\n3:c 3\n"
    )
    assert sh.run("grep -q zzz /tmp/data; echo $?").stdout == b"1\n"
    assert sh.run("grep -E 'b|c' /tmp/data | wc -l").stdout == b"2\n"
    assert sh.run("sed 's/a/A/g' /tmp/data | head -2").stdout == b"b 2\nA 1\n"
    assert sh.run("awk '{print $2}' /tmp/data | tail -n 1").stdout == b"1\n"
    assert sh.run("echo a:b:c | awk -F: '{print $NF, $1}'").stdout == b"c a\n"
    assert sh.run("seq 3; seq 2 2 6").stdout == b"1\n2\n3\n2\n4\n6\n"
    assert sh.run("basename /a/b/c.yaml .yaml; dirname /a/b/c.yaml").stdout == b"c\n/a/b\n"
    assert sh.run("echo hello | base64; echo aGVsbG8K | base64 -d").stdout == b"aGVsbG8K\nhello\n"
    assert sh.run("echo x | tee /tmp/t; cat /tmp/t").stdout == b"x\nx\n"
    assert sh.run("echo a b c | xargs -n 1 echo item").stdout == b"item a\nitem b\nitem c\n"
    assert sh.run("yes | head -n 2").stdout == b"y\ny\n"
    assert sh.run("wc -l /tmp/data").stdout == b"4 /tmp/data\n"


def test_date_uses_virtual_clock_in_busybox_format() -> None:
    sh, clock = make_shell()
    assert sh.run("date").stdout == b"Tue Dec  1 09:00:00 UTC 2026\n"
    clock.now += 3661
    assert sh.run("date +%H:%M:%S; date -u +%s").stdout == f"10:01:01\n{int(EPOCH) + 3661}\n".encode()


def test_sleep_without_host_hook_advances_shell_time() -> None:
    sh = Shell(VFS(), {}, {})
    sh.run("sleep 1m")
    assert sh.run("date +%M").stdout == b"01\n"


def test_identity_commands() -> None:
    sh, _ = make_shell(hostname="web-0")
    assert (
        sh.run("hostname; whoami; id; uname").stdout
        == b"web-0\nroot\nuid=0(root) gid=0(root) groups=0(root)\nLinux\n"
    )
    assert sh.run("type cd; which ls").stdout == b"cd is a shell builtin\n/bin/ls\n"


def test_ls_long_format() -> None:
    sh, _ = make_shell()
    sh.run("mkdir /tmp/d; echo hello > /tmp/d/f")
    assert (
        sh.run("ls -l /tmp/d").stdout
        == b"total 0\n-rw-r--r--    1 root     root             6 Dec  1 09:00 f\n"
    )
    assert sh.run("ls -a /tmp/d").stdout == b".\n..\nf\n"


def test_nested_sh_c_and_script_file() -> None:
    sh, _ = make_shell()
    sh.vfs.write("/tmp/s.sh", b"echo script $1\nexit 4\n")
    res = sh.run("sh /tmp/s.sh arg; echo rc=$?; sh -c 'exit 5'; echo rc=$?; echo 'echo from-stdin' | sh")
    assert res.stdout == b"script arg\nrc=4\nrc=5\nfrom-stdin\n"


def test_mounts_overlay_and_read_only() -> None:
    root = VFS.from_dict({"/etc/": ""})
    cfg = VFS.from_dict({"/app.conf": "key=value\n"})
    root.mount("/etc/config", cfg, readonly=True)
    sh = Shell(root, {}, {})
    res = sh.run("cat /etc/config/app.conf; ls /etc/config; echo x > /etc/config/new")
    assert res.stdout == b"key=value\napp.conf\n"
    assert res.stderr == b"sh: can't create /etc/config/new: Read-only file system\n"


# -- limits --------------------------------------------------------------------------------------------------


def test_infinite_loop_stops_quickly_at_step_cap() -> None:
    sh, _ = make_shell()
    res = sh.run("while true; do :; done")
    assert res.exit_code == 124
    assert res.stderr == b"sh: script stopped: step limit of 100000 exceeded\n"


def test_output_cap_stops_runaway_output() -> None:
    sh, _ = make_shell(max_output=10_000)
    res = sh.run("yes")
    assert res.exit_code == 137
    assert len(res.stdout) <= 10_000
    assert b"output limit" in res.stderr


def test_recursion_depth_is_bounded() -> None:
    res = run("f() { f; }; f")
    assert res.exit_code == 137
    assert b"nesting deeper than" in res.stderr
    res = run("sh -c 'sh -c \"sh -c true\"'; echo ok", max_depth=2)
    assert b"nesting deeper than" in res.stderr




def test_no_host_access() -> None:
    res = run("cat /etc/passwd; ls /usr; echo $USER")
    assert res.stdout == b"\n"
    assert b"No such file or directory" in res.stderr


def test_exec_argv_without_parsing() -> None:
    sh, _ = make_shell()
    assert sh.exec_argv(["echo", "$HOME", "a b"]).stdout == b"$HOME a b\n"
    assert sh.exec_argv(["nosuch"]).exit_code == 127


def test_expansion_errors_stop_the_script() -> None:
    # bash -c prints `bash: line 1: ...`; the workstation shell prints the interactive form without the line.
    assert run("echo $((1/0)); echo after", name="bash") == ShResult(
        b"", b'bash: 1/0: division by 0 (error token is "0")\n', 1
    )
    assert run("echo ${x:?nope}; echo after", name="bash") == ShResult(b"", b"bash: x: nope\n", 127)
    assert run("echo ${x:?nope}; echo after").exit_code == 2


def test_test_builtin_error_wording() -> None:
    assert run("[ 1 -eq a ]; echo $?", name="bash") == ShResult(
        b"2\n", b"bash: [: a: integer expression expected\n", 0
    )
    assert run("[ a = b; echo $?", name="bash") == ShResult(b"2\n", b"bash: [: missing `]'\n", 0)
