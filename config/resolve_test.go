package config

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const sampleConfig = `# sample
Host web1 web2 web?
    HostName %h.example.com
    User deploy
Host web1
    User ignored-first-wins
    Port 2201
    IdentityFile ~/.ssh/web1
    LocalForward 8080 localhost:80
    SendEnv WEB1
    SetEnv A=1 B=2
Host *.example.com !bad.example.com
    User wild
Host db
    ProxyJump jump1,admin@jump2:2222
    ServerAliveInterval 20
    ServerAliveCountMax 4
Host *
    IdentityFile ~/.ssh/id_ed25519
    IdentityFile ~/.ssh/web1
    LocalForward 8080 localhost:80
    SendEnv LANG LC_*
    SetEnv C=3
    StrictHostKeyChecking off
`

func TestResolveFirstWinsAndAccumulates(t *testing.T) {
	c := loadText(t, sampleConfig)
	r := resolve(t, c, "web1")
	if r.User() != "deploy" || r.HostName() != "web1.example.com" || r.Port() != 2201 {
		t.Errorf("web1 = %s@%s:%d", r.User(), r.HostName(), r.Port())
	}
	if got := r.Values("identityfile"); !reflect.DeepEqual(got, []string{"~/.ssh/web1", "~/.ssh/id_ed25519"}) {
		t.Errorf("identityfile = %q (accumulated, duplicates dropped)", got)
	}
	if got := r.LocalForwards(); !reflect.DeepEqual(got, []string{"8080 [localhost]:80"}) {
		t.Errorf("localforward = %q", got)
	}
	if got := r.SendEnv(); !reflect.DeepEqual(got, []string{"WEB1", "LANG", "LC_*"}) {
		t.Errorf("sendenv = %q", got)
	}
	if got := r.SetEnv(); !reflect.DeepEqual(got, []string{"A=1", "B=2"}) {
		t.Errorf("setenv = %q (the first SetEnv line wins)", got)
	}
	if r.StrictHostKeyChecking() != "no" || r.Get("stricthostkeychecking") != "false" {
		t.Errorf("strict = %q / %q", r.StrictHostKeyChecking(), r.Get("stricthostkeychecking"))
	}
}

func TestResolveDefaults(t *testing.T) {
	c := loadText(t, "")
	r := resolve(t, c, "Plain.Host")
	if r.User() != "me" || r.HostName() != "plain.host" || r.Port() != 22 {
		t.Errorf("defaults: %s@%s:%d", r.User(), r.HostName(), r.Port())
	}
	if r.Alias() != "Plain.Host" || r.Lines()[0] != "host Plain.Host" {
		t.Errorf("alias %q, first line %q", r.Alias(), r.Lines()[0])
	}
	want := map[string]string{
		"serveralivecountmax":   "3",
		"serveraliveinterval":   "0",
		"connecttimeout":        "none",
		"connectionattempts":    "1",
		"stricthostkeychecking": "ask",
		"tcpkeepalive":          "yes",
		"requesttty":            "auto",
		"forwardagent":          "no",
		"escapechar":            "~",
		"batchmode":             "no",
		"userknownhostsfile":    "/home/me/.ssh/known_hosts",
		"globalknownhostsfile":  "/etc/ssh/ssh_known_hosts",
		"identityfile":          "~/.ssh/id_rsa",
		"proxyjump":             "",
		"pubkeyauthentication":  "true",
	}
	for k, v := range want {
		if got := r.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
		if r.IsSet(k) {
			t.Errorf("IsSet(%s) for a default", k)
		}
	}
	if got := r.Values("identityfile"); len(got) != 7 || got[6] != "~/.ssh/id_dsa" {
		t.Errorf("default identity files = %q", got)
	}
	if n, set := r.ServerAliveCountMax(); n != 3 || set {
		t.Errorf("ServerAliveCountMax = %d %v", n, set)
	}
	if r.ConnectTimeout() != 0 || r.ConnectionAttempts() != 1 || !r.TCPKeepAlive() || r.RequestTTY() != "auto" {
		t.Error("typed defaults wrong")
	}
	if !r.PasswordAuthentication() || !r.KbdInteractiveAuthentication() || !r.PubkeyAuthentication() {
		t.Error("auth defaults wrong")
	}
	if r.EscapeChar() != "~" || r.ForwardAgent() != "no" || r.HostKeyAlgorithms() != defKeys {
		t.Error("other defaults wrong")
	}
	if got := r.GlobalKnownHostsFiles(); !reflect.DeepEqual(got, defaultGlobalKnownHosts) {
		t.Errorf("global known hosts = %q", got)
	}
	if len(r.Lines()) < 80 {
		t.Errorf("only %d lines", len(r.Lines()))
	}
}

func TestResolveOverridesAndJump(t *testing.T) {
	c := loadText(t, sampleConfig)
	r, err := c.Resolve("db", ResolveOptions{User: "alice", Port: 2022})
	if err != nil {
		t.Fatal(err)
	}
	if r.User() != "alice" || r.Port() != 2022 || !r.IsSet("user") || !r.IsSet("port") {
		t.Errorf("override: %s:%d", r.User(), r.Port())
	}
	if r.ProxyJump() != "jump1,admin@jump2:2222" || r.ProxyCommand() != "" {
		t.Errorf("jump %q command %q", r.ProxyJump(), r.ProxyCommand())
	}
	d, set := r.ServerAliveInterval()
	if d != 20*time.Second || !set {
		t.Errorf("interval %v %v", d, set)
	}
	if n, set := r.ServerAliveCountMax(); n != 4 || !set {
		t.Errorf("count %d %v", n, set)
	}
	file, line, ok := r.Origin("ServerAliveInterval")
	if !ok || file != "/home/me/.ssh/config" || line != 16 {
		t.Errorf("origin = %s:%d %v", file, line, ok)
	}
	if _, _, ok := r.Origin("batchmode"); ok {
		t.Error("origin for a default")
	}
	if r.Get("nosuchkeyword") != "" || r.Values("nosuchkeyword") != nil || r.IsSet("nosuchkeyword") {
		t.Error("unknown keyword must be empty")
	}
}

func TestResolveNegatedHost(t *testing.T) {
	c := loadText(t, sampleConfig)
	if u := resolve(t, c, "api.example.com").User(); u != "wild" {
		t.Errorf("user = %q", u)
	}
	if u := resolve(t, c, "bad.example.com").User(); u != "me" {
		t.Errorf("negated: user = %q", u)
	}
}

func TestResolveInvalidHost(t *testing.T) {
	c := loadText(t, "")
	for _, h := range []string{"", "-oProxyCommand=x", "a;b", "a b", "$(x)"} {
		if _, err := c.Resolve(h, ResolveOptions{}); err == nil {
			t.Errorf("Resolve(%q): no error", h)
		}
	}
}

func TestHostsDedupAndOrder(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config": "Host b a *.wild !neg\nHost a c\nMatch all\nInclude /inc\nHost z\n",
		"/inc":                 "Host inc1 b\n",
	})
	want := []HostEntry{
		{Alias: "b", File: "/home/me/.ssh/config", Line: 1},
		{Alias: "a", File: "/home/me/.ssh/config", Line: 1},
		{Alias: "c", File: "/home/me/.ssh/config", Line: 2},
		{Alias: "inc1", File: "/inc", Line: 1},
		{Alias: "z", File: "/home/me/.ssh/config", Line: 5},
	}
	if got := c.Hosts(); !reflect.DeepEqual(got, want) {
		t.Errorf("hosts = %+v", got)
	}
}

func TestResolveConcurrent(t *testing.T) {
	c := loadText(t, sampleConfig)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, h := range []string{"web1", "db", "x"} {
				r, err := c.Resolve(h, ResolveOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				_ = r.Lines()
			}
		}()
	}
	wg.Wait()
}

func TestLinesFormat(t *testing.T) {
	c := loadText(t, "Host x\n  LocalForward 1 h:2\n  DynamicForward 3\n  UserKnownHostsFile /a /b\n  CanonicalDomains Example.COM\n")
	lines := strings.Join(resolve(t, c, "x").Lines(), "\n")
	for _, want := range []string{
		"\nlocalforward 1 [h]:2\n",
		"\ndynamicforward 3\n",
		"\nuserknownhostsfile /a /b\n",
		"\ncanonicaldomains example.com\n",
		"\ncanonicalizePermittedcnames none\n",
		"\nlogverbose none\n",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, lines)
		}
	}
}

// TestHostRunIndexSameAsScan checks that jumping through runs of literal
// Host blocks gives the same result as evaluating every block.
func TestHostRunIndexSameAsScan(t *testing.T) {
	var indexed, scanned strings.Builder
	for i := 0; i < 40; i++ {
		block := fmt.Sprintf("Host h%d h%d common\n  SendEnv V%d\n", i, (i+7)%40, i)
		indexed.WriteString(block)
		scanned.WriteString(block)
		scanned.WriteString("Host *\n") // breaks every run
	}
	ci := loadText(t, indexed.String())
	cs := loadText(t, scanned.String())
	if len(ci.roots[0].runs) != 1 || len(cs.roots[0].runs) != 0 {
		t.Fatalf("runs: %d and %d", len(ci.roots[0].runs), len(cs.roots[0].runs))
	}
	for _, h := range []string{"h0", "h7", "h39", "common", "none"} {
		a := strings.Join(resolve(t, ci, h).Lines(), "\n")
		b := strings.Join(resolve(t, cs, h).Lines(), "\n")
		if a != b {
			t.Errorf("%s: indexed and scanned differ:\n%s", h, lineDiff(strings.Split(b, "\n"), strings.Split(a, "\n")))
		}
	}
}
