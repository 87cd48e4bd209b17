package session

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

func TestDialKeyAndStages(t *testing.T) {
	checkLeaks(t)
	tg, key, _ := keyedServer(t, "id_ed25519", "", sshtest.Options{})
	var stages []Stage
	var wrapped atomic.Int64
	logs := &logRecorder{}
	c := dialT(t, DialOptions{
		Target:  tg,
		OnStage: func(s Stage) { stages = append(stages, s) },
		WrapConn: func(nc net.Conn) net.Conn {
			return &countingConn{Conn: nc, n: &wrapped}
		},
		Log: logs.log,
	})
	if got := run(t, c, "echo hello"); got != "hello\n" {
		t.Fatalf("output %q", got)
	}
	want := []Stage{StageTCP, StageHandshake, StageHostKey, StageAuth}
	if !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	if wrapped.Load() == 0 {
		t.Error("WrapConn's conn saw no bytes")
	}
	mustContain(t, logs.String(), "permanently added", "authenticated to testhost as tester with public key "+key.Path)
	if c.Route() != "testhost" {
		t.Errorf("route %q", c.Route())
	}
	c.Close()
	c.Close()
	<-c.Done()
	if !errors.Is(c.Cause(), ErrConnClosed) {
		t.Errorf("cause %v, want ErrConnClosed", c.Cause())
	}
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestDialUnreachable(t *testing.T) {
	checkLeaks(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	tg := testTarget(t.TempDir(), port)
	tg.ConnectionAttempts = 2
	logs := &logRecorder{}
	err, took := dialErr(t, DialOptions{Target: tg, Log: logs.log})
	mustContain(t, err.Error(), "connect testhost: dial 127.0.0.1:", "connection refused")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not wrap ECONNREFUSED", err)
	}
	if IsPermanent(err) {
		t.Error("connection refused must be transient")
	}
	if took < time.Second || took > 5*time.Second {
		t.Errorf("two attempts took %v, want about 1 s", took)
	}
	mustContain(t, logs.String(), "attempt 1 of 2 failed")
}

func TestDialSilentServer(t *testing.T) {
	checkLeaks(t)
	srv := startServer(t, sshtest.Options{Behavior: sshtest.Silent})
	tg := testTarget(t.TempDir(), srv.Port())
	tg.ConnectTimeout = time.Second
	err, took := dialErr(t, DialOptions{Target: tg})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("error %v is not a TimeoutError", err)
	}
	mustContain(t, err.Error(), "connect testhost", "timed out after 1s", "never sent an SSH greeting")
	if took > 3*time.Second {
		t.Errorf("took %v with ConnectTimeout 1s", took)
	}
	if IsPermanent(err) {
		t.Error("a timeout must be transient")
	}
}

func TestDialGarbageServer(t *testing.T) {
	checkLeaks(t)
	srv := startServer(t, sshtest.Options{Behavior: sshtest.Garbage})
	tg := testTarget(t.TempDir(), srv.Port())
	tg.ConnectTimeout = time.Second
	err, took := dialErr(t, DialOptions{Target: tg})
	mustContain(t, err.Error(), "connect testhost", "HTTP/1.1 400")
	if !strings.Contains(err.Error(), "does not speak SSH") && !strings.Contains(err.Error(), "instead of an SSH greeting") {
		t.Errorf("error %q does not say the server does not speak SSH", err)
	}
	if took > 3*time.Second {
		t.Errorf("took %v", took)
	}
}

func TestDialWrongPassphrase(t *testing.T) {
	checkLeaks(t)
	tg, key, _ := keyedServer(t, "id_enc", "right horse", sshtest.Options{})
	a := newAsker([]string{"wrong1"}, []string{"wrong2"}, []string{"wrong3"}, []string{"right horse"})
	logs := &logRecorder{}
	err, _ := dialErr(t, DialOptions{Target: tg, Ask: a.ask, Log: logs.log})
	var ae *AuthError
	if !errors.As(err, &ae) || !IsPermanent(err) {
		t.Fatalf("error %v: want a permanent *AuthError", err)
	}
	if n := a.count(PromptPassphrase); n != 3 {
		t.Errorf("asked %d times, want 3", n)
	}
	mustContain(t, err.Error(), "permission denied for tester@testhost", "wrong passphrase 3 times", key.Path)
	mustContain(t, logs.String(), "wrong passphrase 3 times")
	p := a.all()[1]
	if !strings.Contains(p.Title, "Bad passphrase") || p.Questions[0].Echo {
		t.Errorf("second prompt %+v", p)
	}
}

func TestDialPassphraseThenSecretsReused(t *testing.T) {
	checkLeaks(t)
	tg, _, _ := keyedServer(t, "id_enc", "s3cret", sshtest.Options{})
	secrets := NewSecrets()
	a := newAsker([]string{"nope"}, []string{"s3cret"})
	c := dialT(t, DialOptions{Target: tg, Ask: a.ask, Secrets: secrets})
	c.Close()
	if n := a.count(PromptPassphrase); n != 2 {
		t.Fatalf("asked %d times, want 2", n)
	}
	// A reconnect with the same Secrets asks nothing.
	b := newAsker()
	c = dialT(t, DialOptions{Target: tg, Ask: b.ask, Secrets: secrets})
	c.Close()
	if len(b.all()) != 0 {
		t.Errorf("reconnect asked %d questions", len(b.all()))
	}
	secrets.Forget()
	err, _ := dialErr(t, DialOptions{Target: tg, Ask: b.ask, Secrets: secrets})
	if !IsPermanent(err) {
		t.Errorf("after Forget and a cancelled prompt: %v", err)
	}
}

func TestDialEncryptedKeyNotAcceptedIsNotDecrypted(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	enc := writeKey(t, dir, "id_enc", "pass")
	good := writeKey(t, dir, "id_good", "")
	srv := startServer(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{good.Pub}})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{enc.Path, good.Path}
	a := newAsker()
	dialT(t, DialOptions{Target: tg, Ask: a.ask}).Close()
	if n := len(a.all()); n != 0 {
		t.Errorf("asked %d questions for a key the server does not accept", n)
	}
}

func TestDialMissingAndUnreadableKeys(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	good := writeKey(t, dir, "id_good", "")
	missing := filepath.Join(dir, "id_missing")
	asDir := filepath.Join(dir, "id_dir")
	if err := os.Mkdir(asDir, 0o700); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "id_junk")
	if err := os.WriteFile(junk, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := writeKey(t, dir, "id_open", "")
	if err := os.Chmod(open.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{good.Pub}, Password: "pw"})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{missing, asDir, junk, open.Path, good.Path}
	logs := &logRecorder{}
	dialT(t, DialOptions{Target: tg, Log: logs.log}).Close()
	mustContain(t, logs.String(),
		"identity file "+missing+" not found",
		"identity file "+asDir+" is a directory",
		"identity file "+junk+" is not a usable private key",
		"identity file "+open.Path+" is accessible by others (mode 0644)")

	// With no usable key, password authentication is still tried.
	tg.IdentityFiles = []string{missing, asDir}
	a := newAsker([]string{"pw"})
	dialT(t, DialOptions{Target: tg, Ask: a.ask}).Close()
	if a.count(PromptPassword) != 1 {
		t.Errorf("password prompts: %d", a.count(PromptPassword))
	}

	// With nothing else, the failure lists what went wrong.
	tg.PasswordAuthentication = false
	tg.KbdInteractiveAuthentication = false
	err, _ := dialErr(t, DialOptions{Target: tg})
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("want *AuthError, got %v", err)
	}
	mustContain(t, err.Error(), "not found", "is a directory")
}

func TestDialPassword(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	srv := startServer(t, sshtest.Options{Password: "hunter2"})
	tg := testTarget(dir, srv.Port())
	secrets := NewSecrets()
	a := newAsker([]string{"wrong"}, []string{"hunter2"})
	dialT(t, DialOptions{Target: tg, Ask: a.ask, Secrets: secrets}).Close()
	ps := a.all()
	if len(ps) != 2 || ps[0].Kind != PromptPassword || ps[0].Questions[0].Echo {
		t.Fatalf("prompts %+v", ps)
	}
	// One question, as ssh asks it; a retry says why.
	if len(ps[0].Questions) != 1 || ps[0].Questions[0].Text != "tester@127.0.0.1's password:" || ps[0].Notice != "" {
		t.Errorf("first prompt %+v", ps[0])
	}
	if ps[1].Notice != "Permission denied, please try again." || ps[1].Questions[0].Text != "tester@127.0.0.1's password:" {
		t.Errorf("second prompt %+v", ps[1])
	}
	// Reconnect: the cached password is used without asking.
	b := newAsker()
	dialT(t, DialOptions{Target: tg, Ask: b.ask, Secrets: secrets}).Close()
	if len(b.all()) != 0 {
		t.Errorf("reconnect asked %d times", len(b.all()))
	}
	// Three wrong passwords: refused, permanently.
	c := newAsker([]string{"a"}, []string{"b"}, []string{"c"}, []string{"hunter2"})
	err, _ := dialErr(t, DialOptions{Target: tg, Ask: c.ask})
	if !IsPermanent(err) || c.count(PromptPassword) != 3 {
		t.Errorf("err %v after %d prompts", err, c.count(PromptPassword))
	}
}

func TestDialKeyboardInteractive(t *testing.T) {
	checkLeaks(t)
	srv := startServer(t, sshtest.Options{KeyboardInteractive: []sshtest.KbdQuestion{
		{Text: "Name of your first pet: ", Echo: true, Answer: "rex"},
		{Text: "Verification code: ", Echo: false, Answer: "123456"},
	}})
	tg := testTarget(t.TempDir(), srv.Port())
	a := newAsker([]string{"rex", "123456"})
	dialT(t, DialOptions{Target: tg, Ask: a.ask}).Close()
	ps := a.all()
	if len(ps) != 1 || ps[0].Kind != PromptKeyboardInteractive {
		t.Fatalf("prompts %+v", ps)
	}
	q := ps[0].Questions
	if len(q) != 2 || !q[0].Echo || q[1].Echo || q[1].Text != "(tester@127.0.0.1) Verification code: " {
		t.Errorf("questions %+v", q)
	}
	if ps[0].Instruction != "sshtest asks" {
		t.Errorf("instruction %q", ps[0].Instruction)
	}
}

func TestDialBatchModeNeverPrompts(t *testing.T) {
	checkLeaks(t)
	srv := startServer(t, sshtest.Options{Password: "pw"})
	tg := testTarget(t.TempDir(), srv.Port())
	tg.BatchMode = true
	a := newAsker([]string{"pw"})
	err, _ := dialErr(t, DialOptions{Target: tg, Ask: a.ask})
	if len(a.all()) != 0 {
		t.Errorf("BatchMode asked %d questions", len(a.all()))
	}
	if !IsPermanent(err) {
		t.Errorf("want permanent: %v", err)
	}
	mustContain(t, err.Error(), "BatchMode is on")
}

func TestDialPreferredAuthentications(t *testing.T) {
	checkLeaks(t)
	tg, _, srv := keyedServer(t, "id", "", sshtest.Options{Password: "pw"})
	tg.PreferredAuthentications = []string{"password,publickey"}
	a := newAsker([]string{"pw"})
	dialT(t, DialOptions{Target: tg, Ask: a.ask}).Close()
	if a.count(PromptPassword) != 1 || srv.AuthAttempts("publickey") != 0 {
		t.Errorf("password prompts %d, publickey attempts %d", a.count(PromptPassword), srv.AuthAttempts("publickey"))
	}
}

func TestDialContextCancelledDuringPrompt(t *testing.T) {
	checkLeaks(t)
	srv := startServer(t, sshtest.Options{Password: "pw"})
	tg := testTarget(t.TempDir(), srv.Port())
	tg.ConnectTimeout = 500 * time.Millisecond // prompts suspend it
	ctx, cancel := context.WithCancel(context.Background())
	asked := make(chan struct{})
	ask := func(ctx context.Context, p *Prompt) ([]string, error) {
		close(asked)
		return p.Wait(ctx) // nobody answers
	}
	errc := make(chan error, 1)
	go func() {
		_, err := Dial(ctx, DialOptions{Target: tg, Ask: ask})
		errc <- err
	}()
	<-asked
	time.Sleep(time.Second) // longer than ConnectTimeout: the prompt must not time out
	select {
	case err := <-errc:
		t.Fatalf("Dial ended while the prompt was open: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v does not wrap context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Dial did not return after cancel")
	}
}

func TestDialProxyJumpInProcess(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	opts := sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.Pub}, AllowForwarding: true}
	hop1 := startServer(t, opts)
	hop2 := startServer(t, opts)
	target := startServer(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.Pub}})
	tg := testTarget(dir, target.Port())
	tg.IdentityFiles = []string{key.Path}
	tg.ProxyJump = "bastion1,jumper@bastion2"
	hops := map[string]int{"bastion1": hop1.Port(), "bastion2": hop2.Port()}
	var resolved []string
	resolve := func(host string) (Target, error) {
		resolved = append(resolved, host)
		port, ok := hops[host]
		if !ok {
			return Target{}, errors.New("no such host in config")
		}
		ht := testTarget(dir, port)
		ht.Alias = host
		ht.IdentityFiles = []string{key.Path}
		ht.ProxyJump = "should-be-ignored-for-later-hops"
		if host == "bastion1" {
			ht.ProxyJump = ""
		}
		return ht, nil
	}
	c := dialT(t, DialOptions{Target: tg, ResolveHop: resolve})
	if got := run(t, c, "echo via jumps"); got != "via jumps\n" {
		t.Fatalf("output %q", got)
	}
	if !slices.Equal(resolved, []string{"bastion1", "bastion2"}) {
		t.Errorf("resolved %v", resolved)
	}
	if c.Route() != "testhost via bastion1, bastion2" {
		t.Errorf("route %q", c.Route())
	}
	// Known hosts now hold the hops (by port) and the target.
	kh, _ := os.ReadFile(filepath.Join(dir, "known_hosts"))
	if n := strings.Count(string(kh), "\n"); n != 3 {
		t.Errorf("known_hosts has %d lines:\n%s", n, kh)
	}
	c.Close()

	// A hop that refuses: the error names the route and the hop.
	tg.ProxyJump = "nosuch"
	err, _ := dialErr(t, DialOptions{Target: tg, ResolveHop: resolve})
	mustContain(t, err.Error(), "connect testhost via nosuch", "no such host in config")
	if !IsPermanent(err) {
		t.Errorf("unresolvable hop must be permanent: %v", err)
	}
	// A target the last hop cannot reach.
	dead := testTarget(dir, 1)
	dead.ProxyJump = "bastion1"
	err, _ = dialErr(t, DialOptions{Target: dead, ResolveHop: resolve})
	mustContain(t, err.Error(), "connect testhost via bastion1", "jump host bastion1 could not connect to 127.0.0.1:1")
}

func TestDialProxyCommand(t *testing.T) {
	checkLeaks(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	tg, _, _ := keyedServer(t, "id", "", sshtest.Options{})
	tg.ProxyCommand = bash + ` -c 'exec 3<>/dev/tcp/%h/%p; cat <&3 & cat >&3'`
	c := dialT(t, DialOptions{Target: tg})
	if got := run(t, c, "echo proxied"); got != "proxied\n" {
		t.Fatalf("output %q", got)
	}
	if c.Route() != "testhost via proxy command" {
		t.Errorf("route %q", c.Route())
	}
	c.Close()

	tg.ProxyCommand = `sh -c "echo 'ssh: connect to host nowhere port 22: No route to host' >&2; exit 255"`
	err, took := dialErr(t, DialOptions{Target: tg})
	var pe *ProxyCommandError
	if !errors.As(err, &pe) || pe.Status != 255 {
		t.Fatalf("error %v: want ProxyCommandError with status 255", err)
	}
	mustContain(t, err.Error(), "connect testhost via proxy command", "exited with status 255", "No route to host")
	if IsPermanent(err) || took > 3*time.Second {
		t.Errorf("permanent %v, took %v", IsPermanent(err), took)
	}

	tg.ProxyCommand = "/nonexistent/proxy %h %p"
	err, _ = dialErr(t, DialOptions{Target: tg})
	if !IsPermanent(err) {
		t.Errorf("a proxy command that cannot run must be permanent: %v", err)
	}
}

func TestDialTCPHookAndFast(t *testing.T) {
	checkLeaks(t)
	tg, _, srv := keyedServer(t, "id", "", sshtest.Options{})
	tg.HostName = "demo-host" // only the hook knows where that is
	var asked []string
	dialTCP := func(ctx context.Context, network, addr string) (net.Conn, error) {
		asked = append(asked, network+" "+addr)
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}
	dialT(t, DialOptions{Target: tg, DialTCP: dialTCP}).Close()
	if len(asked) != 1 || asked[0] != "tcp demo-host:"+strconv.Itoa(srv.Port()) {
		t.Errorf("DialTCP called with %q", asked)
	}

	// Fast: one attempt, however many ConnectionAttempts say.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	tg = testTarget(t.TempDir(), port)
	tg.ConnectionAttempts = 5
	err, took := dialErr(t, DialOptions{Target: tg, Fast: true})
	if took > 900*time.Millisecond || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("fast dial took %v: %v", took, err)
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("the *net.OpError must stay in the chain: %#v", err)
	}
}

func TestDialUserCertificate(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	ca, _ := sshtest.NewSigner()
	key := writeKey(t, dir, "id", "")
	sign := func(principal string) []byte {
		cert := &ssh.Certificate{Key: key.Pub, CertType: ssh.UserCert, KeyId: "test-user", ValidPrincipals: []string{principal},
			ValidBefore: ssh.CertTimeInfinity}
		if err := cert.SignCert(rand.Reader, ca); err != nil {
			t.Fatal(err)
		}
		return ssh.MarshalAuthorizedKey(cert)
	}
	srv := startServer(t, sshtest.Options{UserCA: ca.PublicKey()})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{key.Path}
	// Implied: IdentityFile-cert.pub.
	if err := os.WriteFile(key.Path+"-cert.pub", sign("tester"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &logRecorder{}
	dialT(t, DialOptions{Target: tg, Log: logs.log}).Close()
	mustContain(t, logs.String(), `with public key certificate "test-user" for `+key.Path)

	// CertificateFile, with the implied one for another principal.
	if err := os.WriteFile(key.Path+"-cert.pub", sign("someone-else"), 0o644); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(dir, "other-cert.pub")
	if err := os.WriteFile(certFile, sign("tester"), 0o644); err != nil {
		t.Fatal(err)
	}
	tg.CertificateFiles = []string{certFile}
	dialT(t, DialOptions{Target: tg}).Close()
}

// The server's pre-auth banner reaches the Banner hook made safe to
// print; without the hook it goes with the first prompt of the handshake.
func TestDialBanner(t *testing.T) {
	checkLeaks(t)
	const banner = "Authorized use only.\r\n\x1b[2J\x1b]0;owned\x07Logged.\n"
	const want = "Authorized use only.\n\\033[2J\\033]0;owned\\007Logged.\n"
	srv := startServer(t, sshtest.Options{Password: "hunter2", Banner: banner})
	tg := testTarget(t.TempDir(), srv.Port())
	var got []string
	a := newAsker([]string{"hunter2"})
	dialT(t, DialOptions{Target: tg, Ask: a.ask, Banner: func(b string) { got = append(got, b) }}).Close()
	if len(got) != 1 || got[0] != want {
		t.Errorf("banner hook got %q, want %q", got, want)
	}
	if ps := a.all(); len(ps) != 1 || ps[0].Banner != "" {
		t.Errorf("prompts %+v: the banner was shown already", ps)
	}
	b := newAsker([]string{"hunter2"})
	dialT(t, DialOptions{Target: tg, Ask: b.ask}).Close()
	if ps := b.all(); len(ps) != 1 || ps[0].Banner != want {
		t.Errorf("prompts %+v, want the banner with the first", ps)
	}
}
