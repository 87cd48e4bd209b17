package netwatch

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// nlmsg builds one netlink message of type typ with payload, its length
// field set to length (0: the true length), padded to 4 bytes.
func nlmsg(typ uint16, payload []byte, length int) []byte {
	if length == 0 {
		length = unix.SizeofNlMsghdr + len(payload)
	}
	b := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(payload)+3)
	binary.NativeEndian.PutUint32(b[0:4], uint32(length))
	binary.NativeEndian.PutUint16(b[4:6], typ)
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func ifaddr(index uint32) []byte {
	p := make([]byte, unix.SizeofIfAddrmsg)
	binary.NativeEndian.PutUint32(p[4:8], index)
	return p
}

// TestParseMessages: well-formed datagrams are split and described;
// hostile ones (lengths too short, too long, truncated payloads) never
// panic and say they are malformed.
func TestParseMessages(t *testing.T) {
	good := append(nlmsg(unix.RTM_NEWADDR, ifaddr(7), 0), nlmsg(unix.RTM_DELROUTE, make([]byte, 12), 0)...)
	good = append(good, nlmsg(unix.NLMSG_DONE, nil, 0)...)
	msgs, ok := parseMessages(good)
	if !ok || len(msgs) != 3 {
		t.Fatalf("parsed %d messages, ok %v; want 3", len(msgs), ok)
	}
	want := []struct {
		what  string
		index int
		ok    bool
	}{{"address added", 7, true}, {"route removed", 0, true}, {"", 0, false}}
	for i, m := range msgs {
		what, index, ok := describe(m)
		if what != want[i].what || index != want[i].index || ok != want[i].ok {
			t.Errorf("message %d: %q %d %v, want %+v", i, what, index, ok, want[i])
		}
	}
	for name, b := range map[string][]byte{
		"length below the header": nlmsg(unix.RTM_NEWLINK, nil, 4),
		"length past the end":     nlmsg(unix.RTM_NEWLINK, nil, 1<<20),
		"a header cut short":      nlmsg(unix.RTM_NEWLINK, nil, 0)[:10],
		"garbage after a message": append(nlmsg(unix.RTM_NEWLINK, nil, 0), 1, 2, 3),
	} {
		if _, ok := parseMessages(b); ok {
			t.Errorf("%s: parsed as well-formed", name)
		}
	}
	// A link message too short for its ifinfomsg has no index, and no panic.
	if what, index, ok := describe(message{typ: unix.RTM_NEWLINK, data: []byte{1, 2}}); what != "link changed" || index != 0 || !ok {
		t.Errorf("short link message: %q %d %v", what, index, ok)
	}
}
