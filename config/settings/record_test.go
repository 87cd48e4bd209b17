package settings

import (
	"strings"
	"testing"
)

func TestRecordSetting(t *testing.T) {
	f := mustParse(t, `
[[host]]
match = "db-legacy"
record = false
[[host]]
match = "db-*"
record = true
record-input = true
[[host]]
match = "web"
record = true
[[host]]
match = "only-input"
record-input = true
`)
	for alias, want := range map[string][2]bool{
		"db-1":       {true, true},
		"db-legacy":  {false, true}, // first match wins, per key
		"web":        {true, false}, // input is not recorded unless asked
		"only-input": {false, true}, // used only with connect --record
		"other":      {false, false},
	} {
		if r, in := f.Record(alias); r != want[0] || in != want[1] {
			t.Errorf("Record(%q) = %v, %v; want %v", alias, r, in, want)
		}
	}
	if r, in := (*File)(nil).Record("x"); r || in {
		t.Errorf("nil file records")
	}
}

func TestRecordSettingErrors(t *testing.T) {
	f, err := Parse("/x/config.toml", []byte("record = true\n[heartbeat]\nrecord = true\n[[host]]\nmatch = \"a\"\nrecord = \"yes\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range f.Errors() {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	if len(got) != 3 || !strings.Contains(all, "want true or false") || strings.Count(all, "unknown key \"record\"") != 2 {
		t.Fatalf("errors:\n%s", all)
	}
}
