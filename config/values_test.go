package config

import (
	"testing"
)

func TestConvtime(t *testing.T) {
	cases := map[string]int{
		"0": 0, "90": 90, "90s": 90, "5m": 300, "1h30m": 5400, "1w": 604800,
		"2D": 172800, " 5": 5, "+5": 5, "-5": -1, "5x": -1, "": -1, "m": -1,
		"1h 30m": 5400, "99999999999": -1,
	}
	for in, want := range cases {
		if got := convtime(in); got != want {
			t.Errorf("convtime(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestAtoiErr(t *testing.T) {
	cases := []struct {
		in   string
		want int
		err  string
	}{
		{"3", 3, ""}, {"+3", 3, ""}, {" 3", 3, ""}, {"-1", 0, "too small"},
		{"0x10", 0, "invalid"}, {"3 ", 0, "invalid"}, {"99999999999", 0, "too large"},
		{"", 0, "missing"},
	}
	for _, c := range cases {
		got, err := atoiErr(c.in)
		if got != c.want || err != c.err {
			t.Errorf("atoiErr(%q) = %d %q, want %d %q", c.in, got, err, c.want, c.err)
		}
	}
}

func TestA2port(t *testing.T) {
	cases := map[string]int{"22": 22, "0": 0, "65535": 65535, "65536": -1, "ssh": 22, "SSH": -1, "nosuchservice-x": -1, "": -1}
	for in, want := range cases {
		if got := a2port(in); got != want {
			t.Errorf("a2port(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestScanScaled(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100", 100, true}, {"1K", 1024, true}, {"1k", 1024, true}, {"1.5K", 1536, true},
		{"1G", 1 << 30, true}, {"2M", 2 << 20, true}, {"1X", 0, false}, {"1KB", 0, false},
		{"1..2", 0, false},
	}
	for _, c := range cases {
		got, ok := scanScaled(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("scanScaled(%q) = %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestAddresses(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"127.1", "127.0.0.1", true},
		{"0x7f.1", "127.0.0.1", true},
		{"010.0.0.1", "8.0.0.1", true},
		{"1.2.3.4.5", "", false},
		{"256.1.1.1", "", false},
		{"host", "", false},
		{"FE80::1", "fe80::1", true},
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4", true},
		{"::1.2.3.4", "::1.2.3.4", true},
		{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", true},
		{"::", "::", true},
		{"fe80::1%no-such-if", "", false},
	}
	for _, c := range cases {
		got, ok := canonicalAddr(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("canonicalAddr(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestVisChar(t *testing.T) {
	cases := map[byte]string{'~': "~", ' ': `\040`, 1: `\^A`, 0: `\^@`, 0x7f: `\^?`, '\\': `\\`, 0xe9: `\M-i`, 0x81: `\M^A`, 0xa0: `\240`}
	for in, want := range cases {
		if got := visChar(in); got != want {
			t.Errorf("visChar(%#x) = %q, want %q", in, got, want)
		}
	}
}

func TestParseForward(t *testing.T) {
	cases := []struct {
		spec            string
		dynamic, remote bool
		want            string
		ok              bool
	}{
		{"8080:localhost:80", false, false, "8080 [localhost]:80", true},
		{"127.0.0.1:8080:h:80", false, false, "[127.0.0.1]:8080 [h]:80", true},
		{"[::1]:8080:[::2]:80", false, false, "[::1]:8080 [::2]:80", true},
		{"/tmp/a.sock:h:22", false, false, "/tmp/a.sock [h]:22", true},
		{"8080:/tmp/b.sock", false, false, "8080 /tmp/b.sock", true},
		{"0:h:22", false, true, "0 [h]:22", true},
		{"0:h:22", false, false, "", false},
		{"1080", true, false, "1080 [socks]:0", true},
		{"h:1080", true, false, "[h]:1080 [socks]:0", true},
		{"8080", false, false, "", false},
		{"8080:h:80:extra:more", false, false, "", false},
		{"8080:h:notaport", false, false, "", false},
	}
	for _, c := range cases {
		f, ok := parseForward(c.spec, c.dynamic, c.remote)
		if ok != c.ok || (ok && f.String() != c.want) {
			t.Errorf("parseForward(%q) = %q %v, want %q %v", c.spec, f.String(), ok, c.want, c.ok)
		}
	}
}

func TestParseJump(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"bastion", "bastion", true},
		{"u@b:2222", "u@b:2222", true},
		{"a,b,u@c", "a,b,u@c", true},
		{"ssh://u@h:22", "u@h:22", true},
		{"10.0.0.1", "[10.0.0.1]", true},
		{"[::1]:22", "[::1]:22", true},
		{"a,,b", "", false},
		{"@host", "", false},
		{"h:0", "", false},
		{"ssh://h/path", "", false},
	}
	for _, c := range cases {
		j, ok := parseJump(c.in)
		if ok != c.ok || (ok && j.String() != c.want) {
			t.Errorf("parseJump(%q) = %q %v, want %q %v", c.in, j.String(), ok, c.want, c.ok)
		}
	}
}

func TestAssembleNames(t *testing.T) {
	def, all := "a,b,c", "a,b,c,d,e"
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "a,b,c", true},
		{"+d", "a,b,c,d", true},
		{"+a", "a,b,c", true},
		{"-b", "a,c", true},
		{"^e", "e,a,b,c", true},
		{"e,a", "e,a", true},
		{"*", "a,b,c,d,e", true},
		{"x", "", false},
		{"!a", "", false},
	}
	for _, c := range cases {
		got, ok := assembleNames(c.in, def, all)
		if got != c.want || ok != c.ok {
			t.Errorf("assembleNames(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
