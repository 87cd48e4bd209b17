// Package netlab is sshdash's network fault lab for tests: three network
// namespaces — a client, a NAT router that forgets idle TCP flows, and a
// server running real OpenSSH sshd — built with iproute2 and iptables, as
// ../shared/lab/netlab.sh does by hand.
//
//	client 198.18.1.2 ── router 198.18.1.1 | 198.18.2.1 ── server 198.18.2.2
//
// A lab test calls Enter: in the test process it builds the lab and runs
// the same test again inside the client namespace (so every dial, ssh and
// autossh of the test crosses the router), then tears the lab down. Inside,
// Enter returns the Lab, whose methods break the network on purpose:
// Blackhole, Cut, Forget (a router reboot), RestartSSHD.
//
// It needs root, iproute2, iptables and OpenSSH; with SSHDASH_INTEGRATION=1
// anything missing fails the test. Addresses are from 198.18.0.0/15, the
// range reserved for network testing; nothing leaves the machine.
package netlab
