package config

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/testenv"
)

// comparedKeywords are the keywords whose ssh -G lines must match exactly.
var comparedKeywords = []string{
	"user", "hostname", "port", "identityfile", "certificatefile", "identitiesonly",
	"proxyjump", "proxycommand", "serveraliveinterval", "serveralivecountmax",
	"tcpkeepalive", "connecttimeout", "connectionattempts", "stricthostkeychecking",
	"userknownhostsfile", "globalknownhostsfile", "localforward", "remoteforward",
	"dynamicforward", "requesttty", "remotecommand", "forwardagent", "setenv", "sendenv",
	"escapechar", "batchmode", "hostkeyalias",
}

// diffCase is one directory of testdata/diff: a config file (and any
// files it includes), with a "hosts" file of ssh destinations to try.
type diffCase struct {
	name string
	dir  string // copy in a temporary directory, @DIR@ substituted
	home string // $HOME for both ssh and Load (relative Includes)
}

// prepareCase copies testdata/diff/name to a temporary directory,
// replacing @DIR@ with that directory in every file.
func prepareCase(t *testing.T, name string) diffCase {
	t.Helper()
	src := filepath.Join("testdata", "diff", name)
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		data = bytes.ReplaceAll(data, []byte("@DIR@"), []byte(dst))
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dst, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o755); err != nil {
		t.Fatal(err)
	}
	return diffCase{name: name, dir: dst, home: home}
}

// destination is one line of a hosts file: [user@]host [-p port].
type destination struct {
	args []string // as passed to ssh
	host string
	user string
	port int
}

func parseDestinations(t *testing.T, data string) []destination {
	var out []destination
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		d := destination{args: f}
		for i := 0; i < len(f); i++ {
			switch {
			case f[i] == "-p" && i+1 < len(f):
				d.port, _ = strconv.Atoi(f[i+1])
				i++
			case f[i] == "-l" && i+1 < len(f):
				d.user = f[i+1]
				i++
			default:
				d.host = f[i]
				if at := strings.LastIndexByte(d.host, '@'); at >= 0 {
					if d.user == "" {
						d.user = d.host[:at]
					}
					d.host = d.host[at+1:]
				}
			}
		}
		out = append(out, d)
	}
	return out
}

// envWith returns the process environment with HOME replaced.
func envWith(home string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "HOME=") {
			env = append(env, e)
		}
	}
	return append(env, "HOME="+home)
}

// sshG runs the real ssh -G; ok is false when ssh refused.
func sshG(t *testing.T, ssh string, c diffCase, d destination) ([]string, string, bool) {
	t.Helper()
	args := append([]string{"-G", "-F", filepath.Join(c.dir, "config")}, d.args...)
	cmd := exec.Command(ssh, args...)
	cmd.Env = envWith(c.home)
	cmd.Stdin = nil
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running ssh: %v", err)
		}
		return nil, errb.String(), false
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n"), errb.String(), true
}

func loadCase(t *testing.T, c diffCase) *Config {
	t.Helper()
	cfg, err := Load(LoadOptions{
		File: filepath.Join(c.dir, "config"),
		LookupEnv: func(k string) (string, bool) {
			if k == "HOME" {
				return c.home, true
			}
			return os.LookupEnv(k)
		},
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

func linesOf(lines []string, keywords map[string]bool) []string {
	var out []string
	for _, l := range lines {
		k, _, _ := strings.Cut(l, " ")
		if keywords == nil || keywords[k] {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

func TestDifferentialSSHG(t *testing.T) {
	paths := testenv.Need(t, "ssh")
	ssh := paths[0]
	entries, err := os.ReadDir(filepath.Join("testdata", "diff"))
	if err != nil {
		t.Fatal(err)
	}
	compared := make(map[string]bool)
	for _, k := range comparedKeywords {
		compared[k] = true
	}
	total := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			c := prepareCase(t, name)
			hosts, err := os.ReadFile(filepath.Join(c.dir, "hosts"))
			if err != nil {
				t.Fatal(err)
			}
			cfg := loadCase(t, c)
			refused := 0
			defer func() {
				// A "refuse" case must keep meaning it: ssh refuses
				// at least one of its destinations.
				if strings.Contains(name, "-refuse-") && refused == 0 {
					t.Errorf("ssh -G refused none of the destinations of a refusal case")
				}
			}()
			for _, d := range parseDestinations(t, string(hosts)) {
				total++
				want, stderr, ok := sshG(t, ssh, c, d)
				// Strict, as sshdash resolve runs it: the exit
				// status must agree with ssh's.
				res, rerr := cfg.Resolve(d.host, ResolveOptions{RunExec: true, Strict: true, User: d.user, Port: d.port})
				label := strings.Join(d.args, " ")
				if !ok {
					refused++
					if rerr == nil {
						t.Errorf("%s: ssh -G refused (%s) but Resolve succeeded", label, strings.TrimSpace(stderr))
					} else if !errors.Is(rerr, ErrFatal) {
						t.Errorf("%s: ssh -G refused; Resolve's error %v does not wrap ErrFatal (exit 255)", label, rerr)
					}
					continue
				}
				if rerr != nil {
					t.Errorf("%s: Resolve: %v (ssh -G succeeded)", label, rerr)
					continue
				}
				got := res.Lines()
				w, g := linesOf(want, compared), linesOf(got, compared)
				if strings.Join(w, "\n") != strings.Join(g, "\n") {
					t.Errorf("%s: compared keywords differ:\n%s", label, lineDiff(w, g))
				}
				// The whole output, in order, should match too.
				if strings.Join(want, "\n") != strings.Join(got, "\n") {
					t.Errorf("%s: full ssh -G output differs:\n%s", label, lineDiff(want, got))
				}
			}
		})
	}
	t.Logf("%d destinations compared with ssh -G", total)
}

// lineDiff describes the lines only in want (-) or only in got (+).
func lineDiff(want, got []string) string {
	count := make(map[string]int)
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		count[l]--
	}
	var b strings.Builder
	for _, l := range want {
		if count[l] > 0 {
			b.WriteString("  - " + l + "\n")
			count[l]--
		}
	}
	for k := range count {
		count[k] = 0
	}
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		if count[l] > 0 {
			count[l]--
			continue
		}
		b.WriteString("  + " + l + "\n")
	}
	if b.Len() == 0 {
		b.WriteString("  (same lines, different order)\n")
	}
	return b.String()
}
