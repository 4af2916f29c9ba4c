# Sends UDP datagrams to the e2e echo server as raw Ethernet frames on the
# tap device (AF_PACKET: complete checksums, no virtio-net mark), some with
# a wrong UDP checksum, and checks that exactly the good ones come back: the
# guest must verify unmarked frames itself. It also captures the guest's
# UDP echoes on the tap and checks their checksums: a frame the guest left
# to the device (virtio NEEDS_CSUM; the tap hands it up as CHECKSUM_PARTIAL,
# flagged TP_STATUS_CSUMNOTREADY in PACKET_AUXDATA, packet(7)) must hold
# exactly the folded pseudo-header sum, any other must be complete and
# valid; with TX_OFFLOAD "on" at least one must have been left to the
# device, with "off" none. Run inside the tap test's namespace by
# tests/harness/src/e2e/tap.rs (the harness has no raw sockets: it forbids
# unsafe code and has no dependencies).
# Usage: python3 bad_csum.py DEV HOST_IP GUEST_IP GUEST_MAC TX_OFFLOAD
import socket
import struct
import sys
import time

dev, host_ip, guest_ip, guest_mac, tx_offload = sys.argv[1:6]
ROUNDS = 4
# linux/if_packet.h: SOL_PACKET, PACKET_AUXDATA, TP_STATUS_CSUMNOTREADY,
# PACKET_OUTGOING; linux/if_ether.h: ETH_P_ALL.
SOL_PACKET, PACKET_AUXDATA, CSUMNOTREADY, OUTGOING, ETH_P_ALL = 263, 8, 1 << 3, 4, 3


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src_mac, sport, payload, bad):
    """Ethernet + IPv4 + UDP to the echo port; `bad` spoils the UDP checksum."""
    src, dst = socket.inet_aton(host_ip), socket.inet_aton(guest_ip)
    ulen = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, 7, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF  # RFC 768: 0 is sent as all ones
    if bad:
        c ^= 0x0101
        if c == 0:  # 0 would mean "no checksum"
            c = 0x1234
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0x5151, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex(guest_mac.replace(":", "")) + src_mac + b"\x08\x00"
    return eth + ip + udp


def sum16(data):
    """Folded ones'-complement sum, not complemented (RFC 1071)."""
    return ~csum(data) & 0xFFFF


# Captures what the guest sends, from before its first echo.
cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
cap.bind((dev, 0))
cap.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
cap.setblocking(False)

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((host_ip, 0))
u.settimeout(0.5)
sport = u.getsockname()[1]
# An ordinary datagram first: the server answers, and ARP is settled.
for _ in range(20):
    u.sendto(b"sock-probe", (guest_ip, 7))
    try:
        if u.recv(2048) == b"sock-probe":
            break
    except socket.timeout:
        pass
else:
    print("no echo of an ordinary datagram from %s:7" % guest_ip)
    sys.exit(1)

with open("/sys/class/net/%s/address" % dev) as f:
    src_mac = bytes.fromhex(f.read().strip().replace(":", ""))
raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
raw.bind((dev, 0))
for i in range(ROUNDS):
    raw.send(frame(src_mac, sport, b"raw-bad-%d" % i, True))
    raw.send(frame(src_mac, sport, b"raw-good-%d" % i, False))
good, bad = set(), set()
deadline = time.time() + 2.0
while time.time() < deadline and len(good) < ROUNDS:
    try:
        d = u.recv(2048)
    except socket.timeout:
        continue
    if d.startswith(b"raw-good-"):
        good.add(d)
    elif d.startswith(b"raw-bad-"):
        bad.add(d)
time.sleep(0.3)  # a late echo of a bad one
u.settimeout(0.05)
try:
    while True:
        d = u.recv(2048)
        if d.startswith(b"raw-bad-"):
            bad.add(d)
except socket.timeout:
    pass

def guest_udp_checksums():
    """(complete and valid, left to the device with the right pseudo-header
    sum, wrong) over the guest's UDP frames captured on the tap."""
    complete = partial = wrong = 0
    gip = socket.inet_aton(guest_ip)
    while True:
        try:
            data, anc, _, addr = cap.recvmsg(65535, socket.CMSG_SPACE(32))
        except BlockingIOError:
            return complete, partial, wrong
        if addr[2] == OUTGOING or data[12:14] != b"\x08\x00" or data[23] != 17:
            continue
        ihl = (data[14] & 0xF) * 4
        if data[26:30] != gip:
            continue
        total = struct.unpack_from("!H", data, 16)[0]
        udp = bytearray(data[14 + ihl : 14 + total])
        status = 0
        for level, kind, cdata in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                status = struct.unpack_from("I", cdata)[0]
        pseudo = data[26:34] + struct.pack("!BBH", 0, 17, len(udp))
        field = struct.unpack_from("!H", udp, 6)[0]
        if status & CSUMNOTREADY:
            # The field holds the pseudo-header sum; completing it as the
            # device does (virtio 1.2 5.1.6.2: sum from csum_start, the
            # complement stored in the field) must give a valid checksum.
            ok = field == sum16(pseudo)
            udp[6:8] = struct.pack("!H", csum(bytes(udp)))
            ok = ok and csum(pseudo + bytes(udp)) == 0
            partial += ok
        else:
            # smoltcp never sends 0 ("no checksum"): it sends all ones.
            ok = field != 0 and csum(pseudo + bytes(udp)) == 0
            complete += ok
        wrong += not ok


complete, partial, wrong = guest_udp_checksums()
print(
    "raw frames: %d of %d good echoed, %d of %d with a bad UDP checksum echoed; "
    "guest's UDP checksums seen on the tap: %d complete, %d left to the device "
    "with the right pseudo-header sum, %d wrong"
    % (len(good), ROUNDS, len(bad), ROUNDS, complete, partial, wrong)
)
offload_seen = partial > 0 if tx_offload == "on" else partial == 0
sys.exit(0 if good and not bad and not wrong and complete + partial and offload_seen else 1)
