# Sends UDP datagrams to the e2e echo server as raw Ethernet frames on the
# tap device (AF_PACKET: complete checksums, no virtio-net mark), some with
# a wrong UDP checksum, and checks that exactly the good ones come back: the
# guest must verify unmarked frames itself. Run inside the tap test's
# namespace by tests/harness/src/e2e/tap.rs (the harness has no raw
# sockets: it forbids unsafe code and has no dependencies).
# Usage: python3 bad_csum.py DEV HOST_IP GUEST_IP GUEST_MAC
import socket
import struct
import sys
import time

dev, host_ip, guest_ip, guest_mac = sys.argv[1:5]
ROUNDS = 4


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
print(
    "raw frames: %d of %d good echoed, %d of %d with a bad UDP checksum echoed"
    % (len(good), ROUNDS, len(bad), ROUNDS)
)
sys.exit(0 if good and not bad else 1)
