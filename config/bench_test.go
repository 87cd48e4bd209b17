package config

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/testenv"
)

const (
	benchHosts = 5000
	benchFiles = 10
)

// writeBenchConfig writes a main file including benchFiles files that
// together define benchHosts hosts, with a few wildcard blocks, as a large
// real configuration would look. It returns the main file's path.
func writeBenchConfig(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	incDir := filepath.Join(dir, "hosts.d")
	if err := os.Mkdir(incDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	per := benchHosts / benchFiles
	for f := 0; f < benchFiles; f++ {
		var b strings.Builder
		fmt.Fprintf(&b, "# generated file %d\n", f)
		for h := 0; h < per; h++ {
			n := f*per + h
			fmt.Fprintf(&b, "Host host%04d\n", n)
			fmt.Fprintf(&b, "    HostName 10.%d.%d.%d\n", n/65536%256, n/256%256, n%256)
			fmt.Fprintf(&b, "    User user%d\n", n%7)
			if n%3 == 0 {
				fmt.Fprintf(&b, "    Port %d\n", 2000+n%100)
			}
			if n%5 == 0 {
				fmt.Fprintf(&b, "    ProxyJump bastion%d\n", n%4)
			}
			if n%11 == 0 {
				fmt.Fprintf(&b, "    IdentityFile ~/.ssh/id_host%d\n", n)
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Host *.group%d\n    ServerAliveInterval 20\n", f)
		name := filepath.Join(incDir, fmt.Sprintf("%02d.conf", f))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	main := filepath.Join(dir, "config")
	content := "Include " + incDir + "/*.conf\n\nHost bastion*\n    User jump\n\nHost *\n    ServerAliveInterval 15\n    ServerAliveCountMax 3\n    IdentityFile ~/.ssh/id_ed25519\n"
	if err := os.WriteFile(main, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return main
}

// listAll is what "sshdash list" does: load, list, resolve every host.
func listAll(tb testing.TB, path string) int {
	cfg, err := Load(LoadOptions{File: path})
	if err != nil {
		tb.Fatal(err)
	}
	hosts := cfg.Hosts()
	for _, h := range hosts {
		r, err := cfg.Resolve(h.Alias, ResolveOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		_ = r.User()
		_ = r.HostName()
		_ = r.Port()
		_ = r.ProxyJump()
	}
	return len(hosts)
}

func BenchmarkList(b *testing.B) {
	path := writeBenchConfig(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n := listAll(b, path); n != benchHosts {
			b.Fatalf("listed %d hosts, want %d", n, benchHosts)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/list")
}

func BenchmarkResolveOne(b *testing.B) {
	cfg, err := Load(LoadOptions{File: writeBenchConfig(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := cfg.Resolve("host2500", ResolveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSSHG times one real "ssh -G" on the same configuration, the
// yardstick for BenchmarkList (listing must cost less than three calls).
func BenchmarkSSHG(b *testing.B) {
	ssh := testenv.Need(b, "ssh")[0]
	path := writeBenchConfig(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if out, err := exec.Command(ssh, "-G", "-F", path, "host2500").CombinedOutput(); err != nil {
			b.Fatalf("ssh -G: %v\n%s", err, out)
		}
	}
}

// TestListVersusSSHG prints the cost of listing 5,000 hosts next to the
// cost of one ssh -G call. It reports figures only; it asserts nothing
// about timing.
func TestListVersusSSHG(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	path := writeBenchConfig(t)
	best := func(n int, f func()) time.Duration {
		var min time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			f()
			if d := time.Since(start); i == 0 || d < min {
				min = d
			}
		}
		return min
	}
	list := best(5, func() { listAll(t, path) })
	sshOne := best(5, func() {
		if out, err := exec.Command(ssh, "-G", "-F", path, "host2500").CombinedOutput(); err != nil {
			t.Fatalf("ssh -G: %v\n%s", err, out)
		}
	})
	sshEmpty := best(5, func() {
		_ = exec.Command(ssh, "-G", "-F", "/dev/null", "x").Run()
	})
	t.Logf("list of %d hosts over %d files (load + hosts + resolve each): %v", benchHosts, benchFiles, list)
	t.Logf("one ssh -G on the same configuration: %v (%.1f calls' worth of listing)", sshOne, float64(list)/float64(sshOne))
	t.Logf("one ssh -G on an empty configuration: %v", sshEmpty)
}
