package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/testenv"
)

// manyArgsCases are the configurations of issue 13 that made the parser
// panic ("slice bounds out of range [:1025] with capacity 1024"): a line
// with more than 1,024 arguments, and a generated configuration whose
// 335 three-line Host blocks leave 19 free slots in the argument buffer
// before a 20-name Host line. want maps a host to the user it resolves to.
func manyArgsCases() []struct {
	name, config string
	want         map[string]string
} {
	type tc = struct {
		name, config string
		want         map[string]string
	}
	longLine := func(n int) string {
		var b strings.Builder
		b.WriteString("Host")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " long%d", i)
		}
		b.WriteString("\n  User longuser\n")
		return b.String()
	}
	var gen strings.Builder
	for i := 0; i < 335; i++ {
		fmt.Fprintf(&gen, "Host h%d\n  HostName 10.0.%d.%d\n  User u%d\n", i, i/256, i%256, i)
	}
	gen.WriteString("Host")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&gen, " n%d", i)
	}
	gen.WriteString("\n  User twenty\n")
	return []tc{
		{"1025-args", longLine(1025), map[string]string{"long0": "longuser", "long1024": "longuser"}},
		{"5000-args", "Host first\n  User one\n" + longLine(5000) + "Host last\n  User two\n",
			map[string]string{"first": "one", "long4999": "longuser", "last": "two"}},
		{"335-blocks-then-20-names", gen.String(),
			map[string]string{"h0": "u0", "h334": "u334", "n0": "twenty", "n19": "twenty"}},
		{"20-name-lines-x-2000", strings.Repeat("Host a b c d e f g h i j k l m n o p q r s t\n  User many\n", 2000),
			map[string]string{"t": "many"}},
	}
}

// TestManyArguments is the regression test for the parser panic: every
// case loads without error and resolves the hosts on both sides of the
// long line (so the arguments of earlier lines were not overwritten when
// the buffer grew).
func TestManyArguments(t *testing.T) {
	for _, c := range manyArgsCases() {
		t.Run(c.name, func(t *testing.T) {
			cfg := loadMem(t, memFS{"/home/me/.ssh/config": c.config})
			if errs := cfg.Errors(); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			for host, user := range c.want {
				r, err := cfg.Resolve(host, ResolveOptions{})
				if err != nil {
					t.Fatalf("Resolve(%s): %v", host, err)
				}
				if got := r.User(); got != user {
					t.Errorf("Resolve(%s): user %q, want %q", host, got, user)
				}
			}
		})
	}
}

// TestManyArgumentsSSHG compares the same configurations with ssh -G.
func TestManyArgumentsSSHG(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	for _, c := range manyArgsCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			home := filepath.Join(dir, "home")
			if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "config"), []byte(c.config), 0o644); err != nil {
				t.Fatal(err)
			}
			dc := diffCase{name: c.name, dir: dir, home: home}
			cfg := loadCase(t, dc)
			for host := range c.want {
				want, stderr, ok := sshG(t, ssh, dc, destination{args: []string{host}, host: host})
				if !ok {
					t.Fatalf("ssh -G %s refused: %s", host, stderr)
				}
				r, err := cfg.Resolve(host, ResolveOptions{RunExec: true})
				if err != nil {
					t.Fatalf("Resolve(%s): %v", host, err)
				}
				if got := r.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s: ssh -G output differs:\n%s", host, lineDiff(want, got))
				}
			}
		})
	}
}

// TestHostLineMatchesLikeMatchHostLine: the indexed matcher used to list
// hosts agrees with matchHostLine on random lines of literal, wildcard and
// negated patterns.
func TestHostLineMatchesLikeMatchHostLine(t *testing.T) {
	atoms := []string{"a", "b", "ab", "a*", "*b", "?", "a?", "*", "web1", "web*", "", "A"}
	names := []string{"a", "b", "ab", "abc", "web1", "web12", "A", "x", ""}
	rng := uint64(1)
	next := func(n int) int {
		rng = rng*6364136223846793005 + 1442695040888963407
		return int(rng>>33) % n
	}
	for i := 0; i < 5000; i++ {
		var line []string
		for j := 0; j < 1+next(6); j++ {
			p := atoms[next(len(atoms))]
			if next(3) == 0 {
				p = "!" + p
			}
			line = append(line, p)
		}
		h := compileHostLine(line)
		for _, n := range names {
			if got, want := h.match(n), matchHostLine(line, n); got != want {
				t.Fatalf("line %q, name %q: hostLine %v, matchHostLine %v", line, n, got, want)
			}
		}
	}
}

// TestListHostsHugeGuard: an Include inside a Host block of 20,000 names
// that itself names 20,000 hosts lists the ones both lines allow.
func TestListHostsHugeGuard(t *testing.T) {
	var outer, inner strings.Builder
	outer.WriteString("Host")
	inner.WriteString("Host")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&outer, " n%d", i)
		fmt.Fprintf(&inner, " n%d", i+10000)
	}
	outer.WriteString(" !n5\n  Include ~/.ssh/inner\n")
	inner.WriteString("\n  User inner\n")
	cfg := loadMem(t, memFS{"/home/me/.ssh/config": outer.String(), "/home/me/.ssh/inner": inner.String()})
	if errs := cfg.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	listed := make(map[string]bool)
	for _, h := range cfg.Hosts() {
		listed[h.Alias] = true
	}
	// n0..n19999 (less n5) from the outer line, n20000.. not (the
	// outer guard does not allow them).
	if len(listed) != 19999 || listed["n5"] || !listed["n19999"] || listed["n20000"] {
		t.Errorf("%d hosts listed; n5 %v n19999 %v n20000 %v", len(listed), listed["n5"], listed["n19999"], listed["n20000"])
	}
}
