package attach

import (
	"reflect"
	"testing"
)

func TestParsePrefix(t *testing.T) {
	cases := map[string]byte{"ctrl+^": 0x1e, "Ctrl+]": 0x1d, "ctrl+a": 1, "c-b": 2, "ctrl+\\": 0x1c, "ctrl+_": 0x1f, "ctrl+space": 0}
	for name, want := range cases {
		got, err := ParsePrefix(name)
		if err != nil || got != want {
			t.Errorf("ParsePrefix(%q) = %#x, %v; want %#x", name, got, err, want)
		}
		if err == nil && name != "c-b" && name != "Ctrl+]" && name != "ctrl+space" {
			if back, _ := ParsePrefix(keyName(got)); back != got {
				t.Errorf("keyName(%#x) = %q does not parse back", got, keyName(got))
			}
		}
	}
	for _, bad := range []string{"", "a", "ctrl+[", "alt+x", "ctrl+ab", "ctrl+~"} {
		if _, err := ParsePrefix(bad); err == nil {
			t.Errorf("ParsePrefix(%q) accepted", bad)
		}
	}
}

func TestKeyParser(t *testing.T) {
	seg := func(s string) Segment { return Segment{Data: []byte(s)} }
	cmd := func(c Command) Segment { return Segment{Cmd: c} }
	cases := []struct {
		name  string
		reads []string
		want  []Segment
	}{
		{"plain", []string{"ls -l\r"}, []Segment{seg("ls -l\r")}},
		{"detach", []string{"ab\x1edcd"}, []Segment{seg("ab"), cmd(CmdDetach), seg("cd")}},
		{"prefix twice sends it", []string{"\x1e\x1e"}, []Segment{seg("\x1e")}},
		{"split across reads", []string{"x\x1e", "n"}, []Segment{seg("x"), cmd(CmdNext)}},
		{"jump", []string{"\x1e3"}, []Segment{{Cmd: CmdJump, N: 3}}},
		{"all commands", []string{"\x1ep\x1er\x1e.\x1e?\x1ez"}, []Segment{cmd(CmdPrev), cmd(CmdReconnect), cmd(CmdClose), cmd(CmdHelp), cmd(CmdUnknown)}},
		{"escape sequences pass", []string{"\x1b[A\x1b[200~paste\x1b[201~"}, []Segment{seg("\x1b[A\x1b[200~paste\x1b[201~")}},
	}
	for _, c := range cases {
		k := keyParser{prefix: 0x1e}
		var got []Segment
		for _, r := range c.reads {
			got = append(got, k.Feed([]byte(r))...)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
