package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshtest"
)

func TestGlobAndHostPatterns(t *testing.T) {
	for _, c := range []struct {
		name, list string
		want       bool
	}{
		{"web1", "web1", true},
		{"web1", "WEB1", true},
		{"web1.example.com", "*.example.com", true},
		{"[web1.example.com]:2222", "*.example.com", false}, // as OpenSSH: the name includes the port
		{"[web1.example.com]:2222", "[*.example.com]:2222", true},
		{"[web1.example.com]:2222", "*", true},
		{"web12", "web?", false},
		{"web1", "web?", true},
		{"web1", "web*,!web1", false},
		{"web2", "web*,!web1", true},
		{"10.0.0.5", "10.0.0.*", true},
		{"a", "", false},
		{"abc", "a*c*", true},
		{"abd", "a*c", false},
	} {
		if got := matchHostPatterns(c.name, c.list); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.name, c.list, got, c.want)
		}
	}
}

func TestKnownHostsName(t *testing.T) {
	for _, c := range []struct {
		host  string
		port  int
		alias string
		want  string
	}{
		{"Web1", 22, "", "web1"},
		{"web1", 0, "", "web1"},
		{"10.0.0.5", 2222, "", "[10.0.0.5]:2222"},
		{"::1", 2222, "", "[::1]:2222"},
		{"web1", 2222, "Alias", "alias"},
	} {
		if got := knownHostsName(c.host, c.port, c.alias); got != c.want {
			t.Errorf("knownHostsName(%q, %d, %q) = %q, want %q", c.host, c.port, c.alias, got, c.want)
		}
	}
}

func TestLoadKnownHostsToleratesBadLines(t *testing.T) {
	dir := t.TempDir()
	k, _ := sshtest.NewSigner()
	path := filepath.Join(dir, "kh")
	content := strings.Join([]string{
		"# comment",
		"",
		"broken line",
		"web1 ssh-ed25519 not-base64!",
		"@bogus web1 " + keyLine("", k.PublicKey()),
		"web1,web2 " + keyLine("", k.PublicKey()),
		"@cert-authority *.corp " + keyLine("", k.PublicKey()),
	}, "\n")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	kh := loadKnownHosts([]string{path, filepath.Join(dir, "missing")})
	if len(kh.entries) != 2 || kh.entries[0].Line != 6 || kh.entries[1].Marker != khCA || kh.entries[1].Line != 7 {
		t.Fatalf("entries %+v", kh.entries)
	}
	if len(kh.problems) != 3 {
		t.Errorf("problems %q", kh.problems)
	}
	for _, p := range kh.problems {
		if !strings.HasPrefix(p, path+":") || !strings.Contains(p, "line ignored") {
			t.Errorf("problem %q", p)
		}
	}
	if got := kh.lookup("web2"); len(got) != 1 {
		t.Errorf("lookup web2: %v", got)
	}
	if got := kh.lookup("db.corp"); len(got) != 1 || got[0].Marker != khCA {
		t.Errorf("lookup db.corp: %v", got)
	}
}

func TestAppendKnownHost(t *testing.T) {
	dir := t.TempDir()
	k, _ := sshtest.NewSigner()
	path := filepath.Join(dir, "sub", "known_hosts")
	line, err := appendKnownHost(path, "[h]:2222", k.PublicKey(), false)
	if err != nil || line != 1 {
		t.Fatalf("line %d, err %v", line, err)
	}
	st, _ := os.Stat(filepath.Dir(path))
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", st.Mode())
	}
	line, err = appendKnownHost(path, "h2", k.PublicKey(), true)
	if err != nil || line != 2 {
		t.Fatalf("line %d, err %v", line, err)
	}
	kh := loadKnownHosts([]string{path})
	if len(kh.entries) != 2 || kh.entries[0].Hashed || !kh.entries[1].Hashed {
		t.Fatalf("entries %+v", kh.entries)
	}
	if len(kh.lookup("h2")) != 1 || len(kh.lookup("[h]:2222")) != 1 {
		t.Error("new entries do not match their names")
	}
	if !mostlyHashed([]byte("|1|a|b k x\n|1|c|d k x\nplain k x\n")) || mostlyHashed([]byte("plain k x\n@cert-authority |1|a|b k x\n")) {
		t.Error("mostlyHashed")
	}
}
