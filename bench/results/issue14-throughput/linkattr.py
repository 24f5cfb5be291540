#!/usr/bin/env python3
# linkattr.py get IFNAME | set IFNAME ATTR VALUE  (u32 IFLA_* attributes iproute2 6.1 lacks), in the caller's netns
import socket, struct, sys, os
RTM_NEWLINK, RTM_GETLINK = 16, 18
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NAMES = {41: "gso_max_size", 58: "gro_max_size", 59: "tso_max_size", 63: "gso_ipv4_max_size", 64: "gro_ipv4_max_size"}
def req(msgtype, flags, payload):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    s.send(struct.pack("=LHHLL", 16 + len(payload), msgtype, flags | NLM_F_REQUEST, 1, 0) + payload)
    data = s.recv(65536); s.close(); return data
def attr(t, v):
    return struct.pack("=HH", 4 + len(v), t) + v + b"\0" * ((4 - len(v) % 4) % 4)
idx = socket.if_nametoindex(sys.argv[2])
ifi = struct.pack("=BxHiII", 0, 0, idx, 0, 0)
if sys.argv[1] == "set":
    data = req(RTM_NEWLINK, NLM_F_ACK, ifi + attr(int(sys.argv[3]), struct.pack("=I", int(sys.argv[4]))))
    err = struct.unpack_from("=i", data, 16)[0]
    if err: print("error", os.strerror(-err)); sys.exit(1)
else:
    data = req(RTM_GETLINK, 0, ifi)
    off = 16 + 16
    out = []
    while off < len(data):
        ln, t = struct.unpack_from("=HH", data, off)
        if ln < 4: break
        if t in NAMES: out.append(f"{NAMES[t]}={struct.unpack_from('=I', data, off + 4)[0]}")
        off += (ln + 3) & ~3
    print(sys.argv[2], " ".join(out))
