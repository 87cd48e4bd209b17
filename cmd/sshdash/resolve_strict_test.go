package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/testenv"
)

// refusalCase is a configuration ssh -G refuses (for every host tried)
// that list and the dashboard still read.
type refusalCase struct {
	name  string
	files map[string]string // relative path -> content; @DIR@ is the directory
	modes map[string]os.FileMode
	want  string // in sshdash resolve's stderr
}

var refusalCases = []refusalCase{
	{name: "invalid-line-in-include", files: map[string]string{
		"config":         "Match host a\n\tHostname aa\nHost e\n\tInclude @DIR@/ssh_config.i.*\nHost web\n\tUser deploy\n",
		"ssh_config.i.1": "Host d\n\tHostname ddd\n",
		"ssh_config.i.3": "Hostname xxxx\n\tJunk\n",
	}, want: `ssh_config.i.3:2: no argument after keyword "junk"`},
	{name: "recursive-include", files: map[string]string{
		"config": "Include @DIR@/config\nHost web\n\tUser deploy\n",
	}, want: "recursive"},
	{name: "include-loop-in-inactive-block", files: map[string]string{
		"config": "Host nomatch\n\tInclude @DIR@/one\nHost web\n\tUser deploy\n",
		"one":    "Include @DIR@/two\n",
		"two":    "Include @DIR@/one\n",
	}, want: "recursive"},
	{name: "unknown-keyword-in-include", files: map[string]string{
		"config": "Host other\n\tInclude @DIR@/inc\nHost web\n\tUser deploy\n",
		"inc":    "Bogus 1\n",
	}, want: `inc:1: unknown keyword "bogus"`},
	{name: "bad-value", files: map[string]string{
		"config": "Host other\n\tPort abc\nHost web\n\tUser deploy\n",
	}, want: `bad port`},
	{name: "bad-owner-or-permissions", files: map[string]string{
		"config": "Host other\n\tInclude @DIR@/inc\nHost web\n\tUser deploy\n",
		"inc":    "User x\n",
	}, modes: map[string]os.FileMode{"inc": 0o666}, want: "inc"},
}

func writeRefusalCase(t *testing.T, c refusalCase) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range c.files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(text, "@DIR@", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
		if m, ok := c.modes[name]; ok {
			if err := os.Chmod(p, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return filepath.Join(dir, "config")
}

// TestResolveRefusesLikeSSH: sshdash resolve exits 255 and names the
// broken line for each configuration ssh -G refuses, while list still
// lists the good host (lenient, as documented).
func TestResolveRefusesLikeSSH(t *testing.T) {
	for _, c := range refusalCases {
		t.Run(c.name, func(t *testing.T) {
			path := writeRefusalCase(t, c)
			e, out, errb := cfgTestEnv(nil)
			if code := runResolve([]string{"-F", path, "web"}, e); code != 255 {
				t.Errorf("resolve: exit %d, want 255; stderr:\n%s", code, errb)
			}
			if out.Len() != 0 {
				t.Errorf("resolve printed options for a refused configuration:\n%s", out)
			}
			if !strings.Contains(errb.String(), c.want) || !strings.Contains(errb.String(), "sshdash resolve: ") {
				t.Errorf("stderr lacks %q:\n%s", c.want, errb)
			}
			e, out, _ = cfgTestEnv(nil)
			if code := runList([]string{"-F", path}, e); code != 0 || !strings.Contains(out.String(), "web") {
				t.Errorf("list must stay lenient: exit %d, out:\n%s", code, out)
			}
		})
	}
}

// TestResolveRefusalsMatchSSHG runs the real ssh -G on the same files:
// both must refuse (non-zero exit; 255 for both).
func TestResolveRefusalsMatchSSHG(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	for _, c := range refusalCases {
		t.Run(c.name, func(t *testing.T) {
			path := writeRefusalCase(t, c)
			for _, host := range []string{"web", "nomatch", "a"} {
				cmd := exec.Command(ssh, "-G", "-F", path, host)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatalf("ssh -G %s: want a refusal, got %v", host, err)
				}
				e, _, errb := cfgTestEnv(nil)
				code := runResolve([]string{"-F", path, host}, e)
				if code != ee.ExitCode() {
					t.Errorf("%s: sshdash resolve exit %d, ssh -G exit %d (%s); sshdash said:\n%s",
						host, code, ee.ExitCode(), strings.TrimSpace(stderr.String()), errb)
				}
			}
		})
	}
}

// generatedConfig is issue 13's "ordinary generated config" that made
// every command panic: 335 three-line Host blocks, then a 20-name Host
// line; plus a Host line of 5,000 names.
func generatedConfig() string {
	var b strings.Builder
	for i := 0; i < 335; i++ {
		fmt.Fprintf(&b, "Host h%d\n  HostName 10.0.%d.%d\n  User u%d\n", i, i/256, i%256, i)
	}
	b.WriteString("Host")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, " n%d", i)
	}
	b.WriteString("\n  User twenty\nHost")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, " l%d", i)
	}
	b.WriteString("\n  User longuser\n")
	return b.String()
}

// TestBinaryGeneratedConfigAndRefusals runs the real binary, as a user
// would: list and resolve on the generated configuration exit 0 with the
// same user as ssh -G (no panic), and resolve exits with ssh -G's status
// on every refusal case.
func TestBinaryGeneratedConfigAndRefusals(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	bin := buildBinary(t)
	path := writeCfg(t, generatedConfig())
	run := func(name string, args ...string) (string, string, int) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out.String(), errb.String(), code
	}
	if out, errs, code := run(bin, "list", "-F", path); code != 0 || strings.Contains(errs, "panic") || !strings.Contains(out, "n19") || !strings.Contains(out, "l4999") {
		t.Errorf("list: exit %d\nstderr: %s", code, errs)
	}
	for _, host := range []string{"h0", "h334", "n19", "l4999"} {
		got, errs, code := run(bin, "resolve", "-F", path, host)
		want, _, wcode := run(ssh, "-G", "-F", path, host)
		if code != 0 || wcode != 0 {
			t.Errorf("%s: resolve exit %d (%s), ssh -G exit %d", host, code, errs, wcode)
			continue
		}
		if got != want {
			t.Errorf("%s: sshdash resolve and ssh -G differ", host)
		}
	}
	for _, c := range refusalCases {
		p := writeRefusalCase(t, c)
		_, errs, code := run(bin, "resolve", "-F", p, "web")
		_, serrs, scode := run(ssh, "-G", "-F", p, "web")
		if code != 255 || scode != 255 {
			t.Errorf("%s: sshdash resolve exit %d (%s), ssh -G exit %d (%s)", c.name, code, strings.TrimSpace(errs), scode, strings.TrimSpace(serrs))
		}
	}
}
