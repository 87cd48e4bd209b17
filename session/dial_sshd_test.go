package session

// Tests against a real OpenSSH sshd; they run with SSHDASH_INTEGRATION=1.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// testUser is the local account used for password tests (root's password
// is unknown); sshdtest.EnsureUser creates it.
const (
	testUser     = "sshdashtest"
	testPassword = "sshdash-Test-pw-1"
)

// sshdFixture is a real sshd plus a key (made by ssh-keygen) it accepts.
type sshdFixture struct {
	dir  string
	key  string // private key path
	pub  ssh.PublicKey
	sshd *sshdtest.Server
}

func newSSHD(t testing.TB, opts sshdtest.Options) *sshdFixture {
	t.Helper()
	testenv.Need(t, sshdtest.SSHD, "ssh-keygen")
	dir := t.TempDir()
	key := filepath.Join(dir, "id_ed25519")
	pub, err := sshdtest.GenerateKey(key, "ed25519", "")
	if err != nil {
		t.Fatal(err)
	}
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, pub)
	return &sshdFixture{dir: dir, key: key, pub: pub, sshd: sshdtest.Start(t, opts)}
}

// target is root@127.0.0.1:port with the fixture's key and known_hosts.
func (f *sshdFixture) target() Target {
	tg := testTarget(f.dir, f.sshd.Port())
	tg.User = "root"
	tg.IdentityFiles = []string{f.key}
	return tg
}

func (f *sshdFixture) knownHosts() string { return filepath.Join(f.dir, "known_hosts") }

func TestSSHDKeyAuth(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	// An RSA key too, as OpenSSH 9 wants rsa-sha2 signatures.
	rsaKey := filepath.Join(f.dir, "id_rsa")
	rsaPub, err := sshdtest.GenerateKey(rsaKey, "rsa", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.sshd.Dir(), "authorized_keys"), append(ssh.MarshalAuthorizedKey(f.pub), ssh.MarshalAuthorizedKey(rsaPub)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{f.key, rsaKey} {
		tg := f.target()
		tg.IdentityFiles = []string{key}
		c := dialT(t, DialOptions{Target: tg})
		if got := run(t, c, "id -un"); got != "root\n" {
			t.Errorf("%s: id -un = %q", key, got)
		}
		c.Close()
	}
}

// serveKeyring serves an in-memory agent on a unix socket until t ends.
func serveKeyring(t *testing.T, dir string, keys ...any) string {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k, Comment: "test agent key"}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = agent.ServeAgent(kr, c)
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return sock
}

func TestSSHDAgent(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	if err := os.WriteFile(filepath.Join(f.sshd.Dir(), "authorized_keys"), ssh.MarshalAuthorizedKey(signer.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := serveKeyring(t, f.dir, priv)

	tg := f.target()
	tg.IdentityFiles = nil
	tg.IdentityAgent = sock
	logs := &logRecorder{}
	dialT(t, DialOptions{Target: tg, Log: logs.log}).Close()
	mustContain(t, logs.String(), "with public key agent key ssh-ed25519", "(test agent key)")

	// $SSH_AUTH_SOCK, the default.
	tg.IdentityAgent = ""
	getenv := func(k string) string {
		if k == "SSH_AUTH_SOCK" {
			return sock
		}
		return ""
	}
	dialT(t, DialOptions{Target: tg, Getenv: getenv}).Close()

	// IdentitiesOnly with an IdentityFile that is not the agent's key: the
	// agent key is not offered.
	tg.IdentitiesOnly = true
	tg.IdentityFiles = []string{f.key}
	err, _ := dialErr(t, DialOptions{Target: tg, Getenv: getenv})
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("IdentitiesOnly: want AuthError, got %v", err)
	}
	// …but an IdentityFile whose .pub matches the agent key is used through
	// the agent, even without the private key on disk.
	pubOnly := filepath.Join(f.dir, "agent_id")
	if err := os.WriteFile(pubOnly+".pub", ssh.MarshalAuthorizedKey(signer.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	tg.IdentityFiles = []string{pubOnly}
	dialT(t, DialOptions{Target: tg, Getenv: getenv}).Close()

	// "none" disables the agent.
	tg.IdentityAgent = "none"
	if err, _ := dialErr(t, DialOptions{Target: tg, Getenv: getenv}); !IsPermanent(err) {
		t.Errorf("IdentityAgent none: %v", err)
	}
}

func TestSSHDRealAgent(t *testing.T) {
	checkLeaks(t)
	paths := testenv.Need(t, "ssh-agent", "ssh-add")
	f := newSSHD(t, sshdtest.Options{})
	rsaKey := filepath.Join(f.dir, "id_rsa")
	rsaPub, err := sshdtest.GenerateKey(rsaKey, "rsa", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.sshd.Dir(), "authorized_keys"), ssh.MarshalAuthorizedKey(rsaPub), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(f.dir, "ssh-agent.sock")
	agentCmd := exec.Command(paths[0], "-D", "-a", sock)
	if err := agentCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agentCmd.Process.Kill(); agentCmd.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	add := exec.Command(paths[1], rsaKey)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v: %s", err, out)
	}
	tg := f.target()
	tg.IdentityFiles = nil
	tg.IdentityAgent = sock
	dialT(t, DialOptions{Target: tg}).Close()
}

func TestSSHDPassphrase(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	encKey := filepath.Join(f.dir, "id_enc")
	encPub, err := sshdtest.GenerateKey(encKey, "ed25519", "open sesame")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.sshd.Dir(), "authorized_keys"), ssh.MarshalAuthorizedKey(encPub), 0o644); err != nil {
		t.Fatal(err)
	}
	tg := f.target()
	tg.IdentityFiles = []string{f.key, encKey} // the first is refused, without a prompt
	a := newAsker([]string{"wrong"}, []string{"open sesame"})
	c := dialT(t, DialOptions{Target: tg, Ask: a.ask})
	c.Close()
	ps := a.all()
	if len(ps) != 2 || ps[0].Kind != PromptPassphrase || !strings.Contains(ps[0].Title, encKey) || !strings.Contains(ps[1].Title, "Bad passphrase") {
		t.Fatalf("prompts %+v", ps)
	}
}

func TestSSHDPassword(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{PasswordAuthentication: true})
	sshdtest.EnsureUser(t, testUser, testPassword)
	tg := f.target()
	tg.User = testUser
	tg.IdentityFiles = nil
	a := newAsker([]string{"not it"}, []string{testPassword})
	c := dialT(t, DialOptions{Target: tg, Ask: a.ask})
	if got := run(t, c, "id -un"); got != testUser+"\n" {
		t.Errorf("id -un = %q", got)
	}
	c.Close()
	if a.count(PromptPassword) != 2 {
		t.Errorf("password prompts: %d", a.count(PromptPassword))
	}
}

func TestSSHDKeyboardInteractive(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{UsePAM: true, KbdInteractiveAuthentication: true})
	sshdtest.EnsureUser(t, testUser, testPassword)
	tg := f.target()
	tg.User = testUser
	tg.IdentityFiles = nil
	var seen []*Prompt
	ask := func(_ context.Context, p *Prompt) ([]string, error) {
		seen = append(seen, p)
		if p.Kind != PromptKeyboardInteractive {
			return nil, ErrPromptCancelled
		}
		ans := make([]string, len(p.Questions))
		for i := range ans {
			ans[i] = testPassword
		}
		return ans, nil
	}
	c := dialT(t, DialOptions{Target: tg, Ask: ask})
	c.Close()
	if len(seen) != 1 || len(seen[0].Questions) != 1 || seen[0].Questions[0].Echo || !strings.Contains(seen[0].Questions[0].Text, "assword") {
		t.Fatalf("prompts %+v\nsshd log:\n%s", seen, f.sshd.Logs())
	}
}

func TestSSHDProxyJumpTwoHops(t *testing.T) {
	checkLeaks(t)
	target := newSSHD(t, sshdtest.Options{})
	hop1 := sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{target.pub}})
	hop2 := sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{target.pub}})
	ports := map[string]int{"hop1": hop1.Port(), "hop2": hop2.Port()}
	resolve := func(host string) (Target, error) {
		tg := target.target()
		tg.Alias = host
		tg.Port = ports[host]
		return tg, nil
	}
	tg := target.target()
	tg.ProxyJump = "hop1,root@hop2"
	c := dialT(t, DialOptions{Target: tg, ResolveHop: resolve})
	if got := run(t, c, "echo $SSH_CONNECTION"); !strings.Contains(got, " 127.0.0.1 ") {
		t.Errorf("SSH_CONNECTION %q", got)
	}
	if c.Route() != "testhost via hop1, hop2" {
		t.Errorf("route %q", c.Route())
	}
	c.Close()
	// Both hops' logs show the forwarded connection.
	for name, s := range map[string]*sshdtest.Server{"hop1": hop1, "hop2": hop2} {
		if !strings.Contains(s.Logs(), "Accepted publickey") {
			t.Errorf("%s never authenticated us:\n%s", name, s.Logs())
		}
	}
}

func TestSSHDProxyCommand(t *testing.T) {
	checkLeaks(t)
	paths := testenv.Need(t, "ssh")
	target := newSSHD(t, sshdtest.Options{})
	hop := sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{target.pub}})
	tg := target.target()
	tg.ProxyCommand = paths[0] + " -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" +
		" -i " + target.key + " -p " + strconv.Itoa(hop.Port()) + " -W %h:%p root@127.0.0.1"
	c := dialT(t, DialOptions{Target: tg})
	if got := run(t, c, "echo proxied"); got != "proxied\n" {
		t.Errorf("output %q", got)
	}
	c.Close()
	// The proxy's own failure is reported with its stderr.
	tg.ProxyCommand = paths[0] + " -F /dev/null -o BatchMode=yes -p 1 -W %h:%p root@127.0.0.1"
	err, _ := dialErr(t, DialOptions{Target: tg})
	mustContain(t, err.Error(), "via proxy command", "exited with status 255", "Connection refused")
}
