#!/usr/bin/env python3
"""Test tool of VxlanIngressFilterIT: crafts VXLAN frames and listens for their payloads.

  vxlan_frames.py send VTEP PORT VNI DST_MAC SRC_MAC SRC_IP DST_IP DST_PORT PAYLOAD [COUNT]
      sends COUNT (default 1) datagrams to VTEP:PORT (IPv4 or IPv6), each a VXLAN header (I flag, VNI)
      + Ethernet (DST_MAC, SRC_MAC, IPv4) + IPv4 (SRC_IP -> DST_IP, UDP, valid header checksum)
      + UDP (5555 -> DST_PORT, checksum 0, allowed over IPv4) + PAYLOAD: what a VTEP would send.
  vxlan_frames.py listen IP PORT
      prints "ready", then each UDP payload received on IP:PORT as one line.
"""
import socket
import struct
import sys


def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def frame(vni, dst_mac, src_mac, src_ip, dst_ip, dst_port, payload):
    udp = struct.pack("!HHHH", 5555, dst_port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00"
    vxlan = struct.pack("!II", 0x08000000, vni << 8)
    return vxlan + eth + ip + udp


def send(args):
    vtep, port, vni, dst_mac, src_mac, src_ip, dst_ip, dst_port, payload = args[:9]
    count = int(args[9]) if len(args) > 9 else 1
    data = frame(int(vni), dst_mac, src_mac, src_ip, dst_ip, int(dst_port), payload.encode())
    family = socket.AF_INET6 if ":" in vtep else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        for _ in range(count):
            s.sendto(data, (vtep, int(port)))


def listen(args):
    ip, port = args[0], int(args[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, port))
        print("ready", flush=True)
        while True:
            data, _ = s.recvfrom(65535)
            print(data.decode(errors="replace"), flush=True)


if __name__ == "__main__":
    {"send": send, "listen": listen}[sys.argv[1]](sys.argv[2:])
