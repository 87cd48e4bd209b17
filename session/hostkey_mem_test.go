package session

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

// Once the first key exchange accepted the host key, the checker (which
// the connection keeps for its re-keys) no longer holds the parsed
// known_hosts files: a re-key is checked against the accepted key alone,
// and is still refused for any other key.
func TestHostKeyCheckerDropsKnownHostsOnceAccepted(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	host, _ := sshtest.NewSigner()
	other, _ := sshtest.NewSigner()
	var b strings.Builder
	for range 200 { // a used known_hosts: many other hosts' keys
		s, _ := sshtest.NewSigner()
		b.WriteString(keyLine("other.example", s.PublicKey()) + "\n")
	}
	b.WriteString(keyLine("[127.0.0.1]:2222", host.PublicKey()) + "\n")
	b.WriteString("@revoked * " + keyLine("", other.PublicKey()) + "\n")
	if err := os.WriteFile(kh, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := testTarget(dir, 2222)
	tg.StrictHostKeyChecking = "yes"
	var stages []Stage
	c, err := newHostKeyChecker(tg, pathExpander{home: dir, t: tg}, &prompter{}, func(string) {}, func(s Stage) { stages = append(stages, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.all) != 202 || len(c.known) != 2 {
		t.Fatalf("checker read %d entries, %d for the host; want 202 and 2", len(c.all), len(c.known))
	}
	if err := c.check("", nil, other.PublicKey()); err == nil {
		t.Fatal("a revoked key was accepted")
	}
	if err := c.check("", nil, host.PublicKey()); err != nil {
		t.Fatalf("the known key was refused: %v", err)
	}
	if c.all != nil || c.known != nil || c.portless != nil || c.revokedKeys != nil {
		t.Errorf("after acceptance the checker still holds %d entries (%d for the host)", len(c.all), len(c.known))
	}
	if c.prompt != nil || c.log != nil || c.onStage != nil {
		t.Errorf("after acceptance the checker still holds its prompter, log or stage callback")
	}
	if want := []Stage{StageHostKey, StageHostKey, StageAuth}; !slices.Equal(stages, want) {
		t.Errorf("stages reported %v, want %v", stages, want)
	}
	if err := c.check("", nil, host.PublicKey()); err != nil {
		t.Errorf("a re-key with the same key was refused: %v", err)
	}
	for _, k := range []ssh.PublicKey{other.PublicKey(), mustSigner(t).PublicKey()} {
		if err := c.check("", nil, k); err == nil || !strings.Contains(err.Error(), "different host key during re-key") {
			t.Errorf("a re-key with another key (%s): got %v, want it refused", ssh.FingerprintSHA256(k), err)
		}
	}
}

func mustSigner(t *testing.T) ssh.Signer {
	t.Helper()
	s, err := sshtest.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Reading a one-line known_hosts file allocates a few KiB, not a 64 KiB
// line buffer: every connection reads the files, a thousand at once when
// the dashboard opens all its hosts. Lines longer than the first buffer
// are still read (up to the 1 MiB a line may have).
func TestKnownHostsParseStartsWithASmallBuffer(t *testing.T) {
	k, _ := sshtest.NewSigner()
	data := []byte(keyLine("[127.0.0.1]:2222", k.PublicKey()) + "\n")
	const runs = 50
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for range runs {
		kh := &knownHosts{}
		kh.parse("known_hosts", data)
		if len(kh.entries) != 1 {
			t.Fatalf("parsed %d entries, want 1", len(kh.entries))
		}
	}
	runtime.ReadMemStats(&m1)
	if per := (m1.TotalAlloc - m0.TotalAlloc) / runs; per > 16<<10 {
		t.Errorf("parsing a one-line file allocated %d bytes, want at most 16 KiB", per)
	}
	long := &knownHosts{}
	long.parse("known_hosts", []byte(strings.Repeat("x", 100<<10)+" "+keyLine("", k.PublicKey())+"\n"+string(data)))
	if len(long.entries) != 2 || len(long.entries[0].Hosts) != 100<<10 || len(long.problems) != 0 {
		t.Errorf("a line with a 100 KiB pattern, then a short one: %d entries, problems %q; want both read", len(long.entries), long.problems)
	}
}
