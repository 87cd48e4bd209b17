package session

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"
)

// checkLeaks fails t if goroutines started during the test outlive it.
// Call it first, so its cleanup runs after the others.
func checkLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// testKey is a key pair written to disk in OpenSSH format.
type testKey struct {
	Path   string
	Pub    ssh.PublicKey
	Signer ssh.Signer
}

// writeKey generates an ed25519 key and writes it (encrypted when
// passphrase is not empty) to dir/name with a .pub next to it.
func writeKey(t testing.TB, dir, name, passphrase string) testKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "test key "+name)
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test key "+name, []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(signer.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	return testKey{Path: path, Pub: signer.PublicKey(), Signer: signer}
}

// startServer starts an in-process server closed at the end of t.
func startServer(t testing.TB, opts sshtest.Options) *sshtest.Server {
	t.Helper()
	srv, err := sshtest.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// testTarget returns a Target for a loopback server at port with no keys,
// no agent, an empty known_hosts in dir and StrictHostKeyChecking
// accept-new.
// keyedServer writes a key (name, with passphrase) in a fresh directory,
// starts a server with opts that lets that key in, and returns a target
// for the server that offers the key.
func keyedServer(t testing.TB, name, passphrase string, opts sshtest.Options) (Target, testKey, *sshtest.Server) {
	t.Helper()
	dir := t.TempDir()
	key := writeKey(t, dir, name, passphrase)
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, key.Pub)
	srv := startServer(t, opts)
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{key.Path}
	return tg, key, srv
}

func testTarget(dir string, port int) Target {
	t := DefaultTarget("127.0.0.1")
	t.Alias = "testhost"
	t.Port = port
	t.User = "tester"
	t.IdentityFiles = nil
	t.IdentityAgent = "none"
	t.UserKnownHostsFiles = []string{filepath.Join(dir, "known_hosts")}
	t.GlobalKnownHostsFiles = nil
	t.StrictHostKeyChecking = "accept-new"
	t.ConnectTimeout = 5 * time.Second
	return t
}

// logRecorder collects Log lines.
type logRecorder struct {
	mu    sync.Mutex // guards lines
	lines []string
}

func (l *logRecorder) log(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

func (l *logRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// asker answers prompts from a script and records them.
type asker struct {
	mu      sync.Mutex // guards answers, prompts
	answers [][]string // answers in order; when exhausted, prompts are cancelled
	prompts []*Prompt
}

func newAsker(answers ...[]string) *asker { return &asker{answers: answers} }

func (a *asker) ask(ctx context.Context, p *Prompt) ([]string, error) {
	a.mu.Lock()
	a.prompts = append(a.prompts, p)
	var ans []string
	ok := len(a.answers) > 0
	if ok {
		ans, a.answers = a.answers[0], a.answers[1:]
	}
	a.mu.Unlock()
	// Answer through the Prompt itself, as the UI would.
	go func() {
		if ok {
			p.Answer(ans)
		} else {
			p.Cancel()
		}
	}()
	return p.Wait(ctx)
}

func (a *asker) count(kind PromptKind) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, p := range a.prompts {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

func (a *asker) all() []*Prompt {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*Prompt(nil), a.prompts...)
}

// dialT dials with a 20 s overall bound and fails t on error.
func dialT(t testing.TB, opts DialOptions) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialErr dials expecting failure, returning the error and how long it took.
//
//lint:ignore ST1008 the error is the result; the duration is a detail beside it
func dialErr(t testing.TB, opts DialOptions) (error, time.Duration) {
	t.Helper()
	// A bound against hangs, not a speed target: a wrong-passphrase dial
	// decrypts the key (bcrypt) once per attempt, seconds each under -race
	// on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	c, err := Dial(ctx, opts)
	if err == nil {
		c.Close()
		t.Fatalf("Dial succeeded, want an error")
	}
	return err, time.Since(start)
}

// run runs command on c without a PTY and returns its output.
func run(t testing.TB, c *Conn, command string) string {
	t.Helper()
	sess, err := c.Client().NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(command)
	if err != nil {
		t.Fatalf("%s: %v: %s", command, err, out)
	}
	return string(out)
}

// mustContain fails t unless s contains every part.
func mustContain(t testing.TB, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q\ndoes not contain %q", s, p)
		}
	}
}

// contextWithTimeout is a 20 s context for one Dial.
func contextWithTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}
