package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/themes"
)

// Flags are GNU style, errors say which flag and where help is, and the
// old Go-style spellings keep working.
func TestCommandLineFlags(t *testing.T) {
	cfg := writeCfg(t, "Host web1\n  HostName 10.0.0.1\n")
	for _, c := range []struct {
		args       []string
		code       int
		out, errs  []string
		notOut     []string
		stdoutOnly bool
	}{
		{args: []string{"--bogus"}, code: 2, errs: []string{"sshdash: unknown flag: --bogus", "Try 'sshdash --help'"}},
		{args: []string{"list", "--bogus"}, code: 2, errs: []string{"sshdash list: unknown flag: --bogus", "Try 'sshdash list --help'"}},
		{args: []string{"list", "-Z"}, code: 2, errs: []string{"unknown shorthand flag: 'Z' in -Z"}},
		{args: []string{"--theme", "bogus"}, code: 2, errs: append([]string{`unknown theme "bogus" for --theme; themes: `}, themes.Names()...)},
		{args: []string{"demo", "--theme=bogus"}, code: 2, errs: []string{`sshdash demo: unknown theme "bogus"`}},
		{args: []string{"nosuch"}, code: 2, errs: []string{`sshdash: unknown command "nosuch"`}},
		{args: []string{"--help"}, out: []string{"usage:", "completion", "GNU style"}},
		{args: []string{"help", "connect"}, out: []string{"usage: sshdash connect", "-F, --config-file FILE", "-N, --no-shell"}},
		{args: []string{"probe", "--help"}, out: []string{"-c, --count", "-i, --interval"}},
		{args: []string{"list", "-F", cfg, "--json"}, out: []string{`"alias": "web1"`}},
		{args: []string{"list", "--json", "--config-file=" + cfg}, out: []string{`"alias": "web1"`}},
		{args: []string{"list", "-json", "-F" + cfg}, out: []string{`"alias": "web1"`}}, // Go-style and attached value
		{args: []string{"resolve", "web1", "-F", cfg, "-p", "2222", "--login", "bob"}, out: []string{"hostname 10.0.0.1", "port 2222", "user bob"}},
		{args: []string{"resolve", "-F", cfg, "--", "web1"}, out: []string{"hostname 10.0.0.1"}},
		{args: []string{"-F", cfg, "resolve", "web1"}, out: []string{"hostname 10.0.0.1"}}, // flags before the command
		{args: []string{"--config-file=" + cfg, "list", "--json"}, out: []string{`"alias": "web1"`}},
		{args: []string{"-F", cfg, "nosuch"}, code: 2, errs: []string{`unexpected argument "nosuch"`}},
		{args: []string{"completion"}, code: 2, errs: []string{"which shell?"}},
		{args: []string{"completion", "tcsh"}, code: 2, errs: []string{`unknown shell "tcsh"`}},
		{args: []string{"completion", "bash"}, out: []string{"__complete"}},
	} {
		e, out, errb := cfgTestEnv(map[string]string{"HOME": t.TempDir()})
		code := run(c.args, e)
		if code != c.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", c.args, code, c.code, errb)
		}
		for _, s := range c.out {
			if !strings.Contains(out.String(), s) {
				t.Errorf("%q: stdout lacks %q:\n%s", c.args, s, out)
			}
		}
		for _, s := range c.errs {
			if !strings.Contains(errb.String(), s) {
				t.Errorf("%q: stderr lacks %q:\n%s", c.args, s, errb)
			}
		}
		if c.code == 2 && out.Len() > 0 {
			t.Errorf("%q: a usage error wrote to stdout:\n%s", c.args, out)
		}
	}
}

// complete runs "sshdash __complete args…" and returns the candidates and
// the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	e, out, _ := cfgTestEnv(map[string]string{"HOME": t.TempDir()})
	if code := run(append([]string{"__completeNoDesc"}, args...), e); code != 0 {
		t.Fatalf("__complete %q: exit %d", args, code)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func TestCompleteCandidates(t *testing.T) {
	cfg := writeCfg(t, "Host web1 web2 *.example.com !bad\n  User a\nHost db-primary\nMatch host x\n")
	for _, c := range []struct {
		args []string
		want []string
		dir  string
	}{
		{[]string{""}, []string{"list", "resolve", "connect", "sessions", "probe", "demo", "completion", "help"}, ":4"},
		{[]string{"co"}, []string{"connect", "completion"}, ":4"},
		{[]string{"connect", "-F", cfg, "w"}, []string{"web1", "web2"}, ":4"},
		{[]string{"connect", "--config-file=" + cfg, ""}, []string{"web1", "web2", "db-primary"}, ":4"},
		{[]string{"connect", "-F", cfg, "root@w"}, []string{"root@web1", "root@web2"}, ":4"},
		{[]string{"-F", cfg, "probe", "-c", "3", "d"}, []string{"db-primary"}, ":4"},
		{[]string{"resolve", "-F" + cfg, "web1", ""}, nil, ":4"}, // one host only
		{[]string{"connect", "-F", ""}, nil, ":0"},               // file names, by the shell
		{[]string{"connect", "--record", ""}, nil, ":0"},         // file names, by the shell
		{[]string{"--theme", ""}, themes.Names(), ":4"},
		{[]string{"demo", "--theme", "l"}, []string{"light"}, ":4"},
		{[]string{"--theme=d"}, []string{"--theme=dark", "--theme=dracula"}, ":4"},
		{[]string{"connect", "--"}, []string{"--config-file", "--no-shell", "--retry", "--status-bar", "--resume", "--record", "--watch", "--help"}, ":4"},
		{[]string{"probe", "-"}, []string{"--config-file", "--count", "--interval", "--help", "-F", "-c", "-i"}, ":4"},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}, ":4"},
		{[]string{"list", ""}, nil, ":4"},
	} {
		got, dir := complete(t, c.args...)
		if !slices.Equal(got, c.want) || dir != c.dir {
			t.Errorf("__complete %q = %q %s, want %q %s", c.args, got, dir, c.want, c.dir)
		}
	}
}

// End to end: bash with bash-completion, the generated script and the real
// binary completes "sshdash connect <prefix>" to the matching aliases, as
// ssh HOST<TAB> does; fish too.
func TestEndToEndShellCompletion(t *testing.T) {
	bin := buildBinary(t)
	cfg := writeCfg(t, "Host web1 web2 *.example.com\n  User a\nHost db-primary\n")
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "HOME="+t.TempDir())
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(bashCompletion); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but %s is missing (package bash-completion)", testenv.Var, bashCompletion)
		}
		t.Skip("bash-completion not installed")
	}
	script := `source ` + bashCompletion + `; source <(sshdash completion bash)
COMP_WORDS=(sshdash connect -F "$CFG" w); COMP_CWORD=4
COMP_LINE="sshdash connect -F $CFG w"; COMP_POINT=${#COMP_LINE}
__start_sshdash 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(env, "CFG="+cfg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); !slices.Equal(got, []string{"web1", "web2"}) {
		t.Fatalf("bash completes %q, want web1 web2:\n%s", got, out)
	}

	// zsh, through a pseudo-terminal (zsh/zpty): TAB after "w" inserts
	// the aliases' common prefix "web". The outer timeout bounds a zsh that
	// never shows it.
	if _, err := exec.LookPath("zsh"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but zsh is missing", testenv.Var)
		}
		t.Skip("zsh not installed")
	}
	zshScript := `zmodload zsh/zpty
zpty z "zsh -f -i"
zpty -w z 'PS1="> "; autoload -U compinit; compinit -u -D; source <(sshdash completion zsh); echo RE""ADY'
zpty -r z out '*READY*'
zpty -w -n z "sshdash connect -F $CFG w"$'\t'
zpty -r z out '*connect -F '$CFG' web*'
print COMPLETED
zpty -d z`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd = exec.CommandContext(ctx, "zsh", "-f", "-c", zshScript)
	cmd.Env = append(env, "CFG="+cfg)
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "COMPLETED") {
		t.Fatalf("zsh did not complete w to web (%v):\n%s", err, out)
	}

	if _, err := exec.LookPath("fish"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but fish is missing", testenv.Var)
		}
		t.Skip("fish not installed")
	}
	cmd = exec.Command("fish", "-c", `sshdash completion fish | source; complete -C "sshdash connect -F $CFG d"; complete -C "sshdash --theme hi"`)
	cmd.Env = append(env, "CFG="+cfg)
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		got = append(got, strings.Split(l, "\t")[0])
	}
	if !slices.Equal(got, []string{"db-primary", "high-contrast"}) {
		t.Fatalf("fish completes %q, want db-primary high-contrast:\n%s", got, out)
	}
}
