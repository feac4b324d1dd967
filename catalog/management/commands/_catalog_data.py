"""The made-up catalog of seed_catalog: brands, product families and the category tree.

A family is a kind of product (notebooks, toner, endpoint licences): its brands, its lines, its
attributes with their possible values and how often a product states each one, and which attributes
its product names show. A subcategory names its family, its price range in USD and, where the
subcategory itself decides one, fixed attribute values ("Online UPS" are all online double conversion).
Brand and line names are generic; the specifications are plausible, not a manufacturer's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Brand name: the three letters SKUs carry.
BRANDS = {
    "Lenovo": "LEN", "HP": "HPI", "Dell": "DEL", "Asus": "ASU", "Acer": "ACE", "Apple": "APL",
    "Samsung": "SAM", "LG": "LGE", "MSI": "MSI", "Gigabyte": "GIG", "Huawei": "HUA", "Xiaomi": "XIA",
    "Motorola": "MOT", "Microsoft": "MSF", "Intel": "INT", "AMD": "AMD", "Zotac": "ZOT", "PNY": "PNY",
    "ASRock": "ASR", "Kingston": "KIN", "Crucial": "CRU", "Corsair": "COR", "ADATA": "ADA",
    "Western Digital": "WDC", "Seagate": "SEA", "SanDisk": "SDK", "Toshiba": "TOS", "Synology": "SYN",
    "QNAP": "QNP", "Logitech": "LOG", "Genius": "GEN", "Razer": "RAZ", "HyperX": "HYP",
    "SteelSeries": "STS", "Redragon": "RDR", "Jabra": "JAB", "Poly": "PLY", "Yealink": "YEA",
    "Grandstream": "GRS", "Cisco": "CSC", "TP-Link": "TPL", "Ubiquiti": "UBN", "Netgear": "NTG",
    "D-Link": "DLK", "Aruba": "ARU", "Fortinet": "FTN", "MikroTik": "MKT", "Ruckus": "RUC",
    "Epson": "EPS", "Brother": "BRO", "Canon": "CAN", "Xerox": "XRX", "Lexmark": "LEX",
    "Kyocera": "KYO", "Ricoh": "RIC", "Zebra": "ZEB", "Honeywell": "HON", "Star Micronics": "STR",
    "Bixolon": "BIX", "Kaspersky": "KAS", "ESET": "ESE", "Bitdefender": "BIT", "Sophos": "SOP",
    "Trend Micro": "TRM", "Norton": "NOR", "McAfee": "MCA", "Adobe": "ADB", "Autodesk": "ADK",
    "VMware": "VMW", "Veeam": "VEE", "Red Hat": "RHT", "Acronis": "ACR", "Google": "GOO",
    "Hikvision": "HIK", "Dahua": "DAH", "Axis": "AXS", "APC": "APC", "Eaton": "EAT", "Vertiv": "VRT",
    "CyberPower": "CYP", "Forza": "FZA", "Targus": "TAR", "Belkin": "BEL", "Anker": "ANK",
    "Manhattan": "MHT", "StarTech": "STK", "Kensington": "KEN", "ViewSonic": "VWS", "BenQ": "BNQ",
    "AOC": "AOC", "Philips": "PHI", "Sony": "SON", "Wacom": "WAC", "Supermicro": "SMC",
    "Fujitsu": "FUJ", "Panduit": "PAN", "Cooler Master": "CLM", "Noctua": "NOC", "Optoma": "OPT",
    "Fellowes": "FEL", "Ingenico": "ING", "Verifone": "VFN", "Panasonic": "PNS", "Nikon": "NIK",
    "DJI": "DJI", "GoPro": "GPR", "Datalogic": "DLG",
}


@dataclass(frozen=True)
class Attribute:
    name: str
    values: tuple[str, ...]
    share: float = 1.0  # how often a product states it


@dataclass(frozen=True)
class Family:
    product_type: str
    brands: tuple[str, ...]
    # Lines every brand sells, or each brand's own lines.
    lines: tuple[str, ...] | dict[str, tuple[str, ...]]
    attributes: tuple[Attribute, ...]
    name_attributes: tuple[str, ...]
    # Hardware reads "Brand Line Noun specs"; software reads "Brand Product specs".
    noun_in_name: bool = True

    def lines_of(self, brand: str) -> tuple[str, ...]:
        return self.lines.get(brand, ()) if isinstance(self.lines, dict) else self.lines


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


def family(kind: str, brands: str, lines: str | dict[str, str], *attributes: str, name: str, noun: bool = True) -> Family:
    """A family from compact text: attributes as "Name: v1 | v2 @0.4", the share after @ (default 1)."""
    parsed = []
    for spec in attributes:
        label, _, rest = spec.partition(":")
        share = 1.0
        if "@" in rest:
            rest, _, raw_share = rest.rpartition("@")
            share = float(raw_share)
        parsed.append(Attribute(label.strip(), _split(rest), share))
    by_brand = {brand: _split(text) for brand, text in lines.items()} if isinstance(lines, dict) else _split(lines)
    return Family(kind, _split(brands), by_brand, tuple(parsed), _split(name), noun)


HW, SW, LIC, CLOUD = "hardware", "software", "licence", "cloud"
CPU_MOBILE = "Intel Core i3-1315U | Intel Core i5-1335U | Intel Core i7-1355U | Intel Core Ultra 5 125U | Intel Core Ultra 7 155H | AMD Ryzen 5 7530U | AMD Ryzen 7 7735HS | AMD Ryzen 9 7940HS"
CPU_DESKTOP = "Intel Core i3-14100 | Intel Core i5-14400 | Intel Core i7-14700 | Intel Core i9-14900K | AMD Ryzen 5 8600G | AMD Ryzen 7 7700 | AMD Ryzen 9 7950X"
OS = "Operating system: Windows 11 Home | Windows 11 Pro | No operating system @0.9"
RAM = "RAM: 8 GB | 16 GB | 32 GB | 64 GB"
COLOR = "Color: Black | White | Grey | Blue | Silver"
LENGTH = "Length: 0.5 m | 1 m | 1.8 m | 2 m | 3 m | 5 m | 10 m | 15 m"
LAYOUT = "Layout: Spanish (Latin America) | English (US) | Portuguese (Brazil)"
TERM = "Term: 1 year | 2 years | 3 years"
WIRELESS = "Connectivity: Wired USB | Wireless 2.4 GHz | Bluetooth | Bluetooth + 2.4 GHz"
GAMING = "Razer | HyperX | Redragon | Corsair | SteelSeries | Logitech"

FAMILIES: dict[str, Family] = {
    "notebook": family(
        HW, "Lenovo | HP | Dell | Asus | Acer | MSI | Samsung | Huawei", "Vector | Nova | Aero | Spark | Edge | Flex | Prime | Slim | Vision | Titan | Core | Air",
        f"Processor: {CPU_MOBILE}", RAM, "Storage: 256 GB SSD | 512 GB SSD | 1 TB SSD | 2 TB SSD",
        'Screen size: 13.3" | 14" | 15.6" | 16" | 17.3"', "Resolution: 1920 x 1080 | 1920 x 1200 | 2560 x 1600 | 2880 x 1800",
        OS, "Graphics: Intel Iris Xe | AMD Radeon 680M | NVIDIA GeForce RTX 4050 | NVIDIA GeForce RTX 4060 | NVIDIA RTX 2000 Ada @0.45",
        f"Keyboard {LAYOUT} @0.7", name="Screen size | Processor | RAM | Storage",
    ),
    "desktop": family(
        HW, "Lenovo | HP | Dell | Asus | Acer | MSI | Gigabyte", "Tower | Neo | Compact | Forge | Pro | Elite | Studio | Core",
        f"Processor: {CPU_DESKTOP} | Intel Xeon W-2425", "RAM: 8 GB | 16 GB | 32 GB | 64 GB | 128 GB",
        "Storage: 256 GB SSD | 512 GB SSD | 1 TB SSD | 2 TB SSD | 256 GB SSD + 1 TB HDD",
        "Form factor: Tower | Small form factor | Mini | Micro", OS,
        "Graphics: Intel UHD Graphics 730 | AMD Radeon 760M | NVIDIA GeForce RTX 4060 | NVIDIA GeForce RTX 4070 Ti | NVIDIA RTX A2000 @0.5",
        name="Form factor | Processor | RAM | Storage",
    ),
    "aio": family(
        HW, "Lenovo | HP | Dell | Asus | Acer", "Vision | Studio | Neo | Aio | Pro",
        'Screen size: 23.8" | 27" | 31.5"', f"Processor: {CPU_DESKTOP}", RAM, "Storage: 512 GB SSD | 1 TB SSD",
        "Touchscreen: Yes | No", OS, name="Screen size | Processor | RAM | Storage",
    ),
    "thin_client": family(
        HW, "HP | Dell | Lenovo | Fujitsu", "Thin | Zero | Edge",
        "Processor: Intel Celeron N5105 | Intel Pentium Silver N6005 | AMD Ryzen Embedded R1505G", "RAM: 4 GB | 8 GB | 16 GB",
        "Storage: 32 GB eMMC | 64 GB eMMC | 128 GB SSD | 256 GB SSD", "Operating system: ThinOS | Windows 10 IoT Enterprise | Linux",
        name="Processor | RAM | Storage",
    ),
    "monitor": family(
        HW, "Samsung | LG | Dell | HP | Lenovo | Asus | Acer | AOC | ViewSonic | BenQ | Philips | MSI", "Vision | View | Pro | Essential | Ultra | Ergo | Color | Play | Flow",
        'Screen size: 21.5" | 23.8" | 27" | 31.5" | 34" | 49"', "Resolution: 1920 x 1080 | 2560 x 1440 | 3440 x 1440 | 3840 x 2160 | 5120 x 1440",
        "Panel: IPS | VA | TN | OLED", "Refresh rate: 60 Hz | 75 Hz | 100 Hz | 144 Hz | 165 Hz | 240 Hz",
        "Inputs: HDMI, DisplayPort | HDMI, DisplayPort, USB-C | HDMI, VGA", "Response time: 1 ms | 4 ms | 5 ms @0.6",
        name="Screen size | Resolution | Panel",
    ),
    "display": family(
        HW, "Samsung | LG | ViewSonic | BenQ | Philips | Sony", "Signage | Board | Wall | Present",
        'Screen size: 43" | 55" | 65" | 75" | 86" | 98"', "Resolution: 1920 x 1080 | 3840 x 2160",
        "Brightness: 350 nits | 500 nits | 700 nits", "Touch: Yes | No", "Operation: 16/7 | 24/7",
        name="Screen size | Resolution",
    ),
    "mount": family(
        HW, "Kensington | StarTech | Manhattan | Fellowes | Targus", "Flex | Arm | Lift | Fix",
        "Screens: 1 screen | 2 screens | 3 screens | 4 screens", 'Max screen size: 27" | 32" | 49" | 86"',
        "Max load: 8 kg | 12 kg | 40 kg | 80 kg", "Mounting: Desk clamp | Grommet | Wall | Ceiling",
        name="Screens | Max screen size",
    ),
    "tablet": family(
        HW, "Samsung | Lenovo | Apple | Huawei | Xiaomi | Microsoft", "Tab | Pad | Slate | Note",
        'Screen size: 8.7" | 10.1" | 11" | 12.4" | 13"', "Storage: 64 GB | 128 GB | 256 GB | 512 GB", "RAM: 4 GB | 6 GB | 8 GB | 16 GB",
        "Connectivity: Wi-Fi | Wi-Fi + LTE | Wi-Fi + 5G", "Color: Graphite | Silver | Blue", name="Screen size | Storage | Connectivity",
    ),
    "case": family(
        HW, "Targus | Belkin | Kensington | Samsung", "Shell | Folio | Guard | Rugged",
        'Fits: 10" tablets | 11" tablets | 12.9" tablets | 6.1" phones | 6.7" phones', "Material: Polyurethane | Silicone | Leather | Polycarbonate",
        "Color: Black | Blue | Clear | Red | Grey", name="Fits | Color",
    ),
    "stylus": family(
        HW, "Wacom | Microsoft | Samsung | Lenovo | Logitech", "Pen | Stylus Pro | Ink",
        "Protocol: Windows Ink | USI 2.0 | Wacom AES | Bluetooth", "Pressure levels: 2048 | 4096 | 8192",
        "Power: Rechargeable | AAAA battery | Battery-free", name="Protocol",
    ),
    "phone": family(
        HW, "Samsung | Motorola | Xiaomi | Huawei | Apple", "Edge | Note | Nova | One | Max",
        "Storage: 64 GB | 128 GB | 256 GB | 512 GB", "RAM: 4 GB | 6 GB | 8 GB | 12 GB", 'Screen size: 6.1" | 6.4" | 6.6" | 6.7" | 6.8"',
        "Network: 4G | 5G", "Color: Black | Blue | Green | Silver | White", name="Storage | Color",
    ),
    "wearable": family(
        HW, "Samsung | Huawei | Xiaomi | Apple", "Watch | Band | Fit",
        "Case size: 40 mm | 42 mm | 44 mm | 46 mm", "Connectivity: Bluetooth | LTE", "Color: Black | Silver | Pink | Green",
        name="Case size | Connectivity",
    ),
    "powerbank": family(
        HW, "Anker | Belkin | Xiaomi | Samsung", "Power | Boost | Go",
        "Capacity: 10000 mAh | 20000 mAh | 26800 mAh", "Output: 20 W | 30 W | 65 W | 100 W", "Color: Black | White", name="Capacity | Output",
    ),
    "charger": family(
        HW, "Anker | Belkin | Samsung | Targus | Kensington | Lenovo | HP | Dell", "Charge | Power | Go",
        "Power: 20 W | 45 W | 65 W | 90 W | 100 W | 130 W", "Connector: USB-C | USB-A + USB-C | Barrel 4.5 mm | Barrel 7.4 mm",
        name="Power | Connector",
    ),
    "hdd": family(
        HW, "Seagate | Western Digital | Toshiba", "Desktop | NAS | Surveillance | Enterprise | Archive",
        "Capacity: 1 TB | 2 TB | 4 TB | 8 TB | 12 TB | 16 TB | 20 TB", "Interface: SATA 6 Gb/s | SAS 12 Gb/s",
        'Form factor: 3.5" | 2.5"', "Rotational speed: 5400 rpm | 7200 rpm | 10000 rpm", "Cache: 64 MB | 256 MB | 512 MB @0.6",
        name="Capacity | Interface | Form factor",
    ),
    "ssd": family(
        HW, "Kingston | Samsung | Crucial | Western Digital | ADATA | Corsair | SanDisk | Seagate", "Pro | Plus | Ultra | Max | Core",
        "Capacity: 240 GB | 500 GB | 1 TB | 2 TB | 4 TB", "Interface: SATA 6 Gb/s | PCIe 4.0 NVMe | PCIe 5.0 NVMe",
        'Form factor: 2.5" | M.2 2280', "Read speed: 550 MB/s | 3500 MB/s | 5000 MB/s | 7000 MB/s | 12000 MB/s",
        name="Capacity | Form factor | Interface",
    ),
    "ext_drive": family(
        HW, "Seagate | Western Digital | Toshiba | Samsung | SanDisk | ADATA | Kingston", "Go | Portable | Expansion | Shield | Slim",
        "Capacity: 500 GB | 1 TB | 2 TB | 4 TB | 5 TB", "Interface: USB 3.2 Gen 1 | USB 3.2 Gen 2 | USB4", "Color: Black | Blue | Red | Silver",
        name="Capacity | Interface",
    ),
    "flash": family(
        HW, "Kingston | SanDisk | ADATA | Samsung", "Data | Ultra | Extreme | Go",
        "Capacity: 32 GB | 64 GB | 128 GB | 256 GB | 512 GB", "Interface: USB 3.2 | USB-C | microSDXC UHS-I | SDXC UHS-II",
        "Read speed: 100 MB/s | 170 MB/s | 200 MB/s | 300 MB/s", name="Capacity | Interface",
    ),
    "nas": family(
        HW, "Synology | QNAP | Western Digital | Asus", "Station | Cloud | Stor | Vault",
        "Bays: 2 bays | 4 bays | 6 bays | 8 bays | 12 bays", "Processor: Intel Celeron J4125 | AMD Ryzen V1500B | Intel Xeon D-1527 | Realtek RTD1619B",
        "RAM: 2 GB | 4 GB | 8 GB | 16 GB", "Form factor: Desktop | Rack 1U | Rack 2U", "Network: 2 x 1 GbE | 4 x 1 GbE | 2 x 2.5 GbE | 2 x 10 GbE",
        name="Bays | Form factor",
    ),
    "tape": family(
        HW, "HP | Dell | Fujitsu", {"HP": "StoreEver", "Dell": "PowerVault", "Fujitsu": "Eternus"},
        "Format: LTO-7 | LTO-8 | LTO-9 | RDX", "Native capacity: 2 TB | 6 TB | 12 TB | 18 TB", "Interface: SAS | USB 3.0 @0.5",
        name="Format | Native capacity",
    ),
    "ram": family(
        HW, "Kingston | Crucial | Corsair | ADATA | Samsung | HyperX", "Value | Pro | Elite | Gaming",
        "Capacity: 8 GB | 16 GB | 32 GB | 64 GB | 2 x 16 GB | 2 x 32 GB", "Type: DDR4 | DDR5",
        "Speed: 3200 MT/s | 4800 MT/s | 5600 MT/s | 6000 MT/s | 6400 MT/s", "Form factor: DIMM | SO-DIMM | RDIMM",
        name="Capacity | Type | Speed | Form factor",
    ),
    "cpu": family(
        HW, "Intel | AMD", {"Intel": "Core i3 | Core i5 | Core i7 | Core i9 | Xeon", "AMD": "Ryzen 5 | Ryzen 7 | Ryzen 9 | EPYC"},
        "Cores: 4 cores | 6 cores | 8 cores | 12 cores | 16 cores | 24 cores | 32 cores", "Base clock: 2.5 GHz | 3.0 GHz | 3.5 GHz | 4.2 GHz",
        "Socket: LGA1700 | LGA1851 | LGA4677 | AM4 | AM5 | SP5", "Cooler included: Yes | No @0.7", name="Cores | Base clock | Socket", noun=False,
    ),
    "gpu": family(
        HW, "Asus | MSI | Gigabyte | Zotac | PNY", "Gaming | Eagle | Twin | Dual | Pro",
        "Chipset: NVIDIA GeForce RTX 4060 | NVIDIA GeForce RTX 4060 Ti | NVIDIA GeForce RTX 4070 | NVIDIA GeForce RTX 4070 Super | NVIDIA GeForce RTX 4080 Super | NVIDIA GeForce RTX 4090 | AMD Radeon RX 7600 | AMD Radeon RX 7800 XT",
        "Memory: 8 GB GDDR6 | 12 GB GDDR6X | 16 GB GDDR6X | 24 GB GDDR6X", "Interface: PCIe 4.0 x16", name="Chipset | Memory",
    ),
    "motherboard": family(
        HW, "Asus | MSI | Gigabyte | ASRock", "Prime | Pro | Gaming | Steel",
        "Socket: LGA1700 | AM5 | AM4", "Chipset: B760 | Z790 | H610 | B650 | X670E | A620", "Form factor: ATX | Micro-ATX | Mini-ITX",
        "Memory: DDR4 | DDR5", "Wi-Fi: Wi-Fi 6 | Wi-Fi 6E | Wi-Fi 7 @0.5", name="Chipset | Form factor",
    ),
    "psu": family(
        HW, "Corsair | Cooler Master | Gigabyte | MSI", "Core | Power | Gold",
        "Power: 550 W | 650 W | 750 W | 850 W | 1000 W | 1200 W", "Efficiency: 80 Plus Bronze | 80 Plus Gold | 80 Plus Platinum",
        "Modular: Full | Semi | No", name="Power | Efficiency",
    ),
    "pc_case": family(
        HW, "Corsair | Cooler Master | Asus | MSI | Gigabyte", "Air | Mesh | Box | Ice",
        "Form factor: ATX Mid Tower | Full Tower | Micro-ATX | Mini-ITX", "Color: Black | White", "Side panel: Tempered glass | Mesh | Steel",
        name="Form factor | Color",
    ),
    "cooler": family(
        HW, "Noctua | Cooler Master | Corsair", "Hyper | Frost | Chill",
        "Type: Air | Liquid 240 mm | Liquid 360 mm", "TDP: 150 W | 220 W | 280 W", "Lighting: ARGB | None", name="Type | TDP",
    ),
    "fan": family(
        HW, "Noctua | Corsair | Cooler Master", "Breeze | Flow | Silent",
        "Size: 92 mm | 120 mm | 140 mm", "Lighting: ARGB | None", "Pack: Single | 3-pack", name="Size | Pack",
    ),
    "switch": family(
        HW, "Cisco | TP-Link | Ubiquiti | Netgear | D-Link | Aruba | MikroTik | HP", "Jet | Edge | Smart | Core | Pro | Office",
        "Ports: 5 ports | 8 ports | 16 ports | 24 ports | 48 ports", "Speed: Gigabit | 2.5 Gigabit | 10 Gigabit",
        "PoE: None | PoE+ | PoE++", "Management: Unmanaged | Smart managed | Managed L2 | Managed L3", "Uplinks: 2 x SFP | 4 x SFP | 4 x SFP+ @0.7",
        name="Ports | Speed | PoE",
    ),
    "router": family(
        HW, "Cisco | MikroTik | TP-Link | Ubiquiti | Netgear | Fortinet", "Edge | Gate | Link | Office",
        "WAN ports: 1 WAN | 2 WAN | 4 WAN", "Throughput: 1 Gbps | 2.5 Gbps | 10 Gbps", "VPN: IPsec | IPsec, SSL | None",
        "Form factor: Desktop | Rack 1U", name="WAN ports | Throughput",
    ),
    "firewall": family(
        HW, "Fortinet | Sophos | Cisco | Ubiquiti", "Gate | Guard | Secure | Shield",
        "Throughput: 1 Gbps | 4 Gbps | 10 Gbps | 20 Gbps", "Users: up to 25 | up to 100 | up to 500 | up to 2000",
        "Ports: 5 ports | 8 ports | 16 ports", "Form factor: Desktop | Rack 1U", name="Throughput | Users",
    ),
    "nic": family(
        HW, "Intel | TP-Link | Asus | StarTech | D-Link", "Net | Link | Pro",
        "Interface: PCIe | USB 3.0 | USB-C | M.2", "Speed: 1 Gbps | 2.5 Gbps | 10 Gbps | Wi-Fi 6 | Wi-Fi 6E | Wi-Fi 7",
        "Ports: 1 port | 2 ports | 4 ports", name="Speed | Interface",
    ),
    "powerline": family(
        HW, "TP-Link | D-Link | Netgear", "Plug | Line",
        "Speed: AV600 | AV1000 | AV2000", "Wi-Fi: Yes | No", "Kit: 1 adapter | 2-adapter kit", name="Speed | Kit",
    ),
    "ap": family(
        HW, "Ubiquiti | Aruba | Cisco | TP-Link | Ruckus | Netgear | MikroTik | D-Link", "Air | Instant | Wave | Lite",
        "Wi-Fi standard: Wi-Fi 5 | Wi-Fi 6 | Wi-Fi 6E | Wi-Fi 7", "Max speed: 1200 Mbps | 1800 Mbps | 3000 Mbps | 5400 Mbps | 9300 Mbps",
        "Mounting: Ceiling | Wall | Outdoor pole", "PoE: 802.3af | 802.3at | 802.3bt", name="Wi-Fi standard | Max speed",
    ),
    "wifi_router": family(
        HW, "TP-Link | Asus | Netgear | D-Link | Xiaomi | Huawei", "Home | Mesh | Hawk | Eagle",
        "Wi-Fi standard: Wi-Fi 5 | Wi-Fi 6 | Wi-Fi 6E | Wi-Fi 7", "Speed class: AC1200 | AX1500 | AX3000 | AX5400 | AX6000 | BE9300",
        "Bands: Dual band | Tri band", "Pack: 1 unit | 2-pack | 3-pack @0.4", name="Speed class | Bands",
    ),
    "wlan_controller": family(
        HW, "Cisco | Aruba | Ruckus | Ubiquiti", "Controller | Mobility | Gateway",
        "Managed access points: up to 32 | up to 64 | up to 256 | up to 1024 | up to 2048", "Form factor: Desktop | Rack 1U",
        name="Managed access points",
    ),
    "printer": family(
        HW, "HP | Epson | Brother | Canon | Xerox | Lexmark | Kyocera | Ricoh", "Office | Pro | Smart | Work | Color | Eco",
        "Technology: Laser | Inkjet | Ink tank | LED", "Color: Monochrome | Color", "Print speed: 20 ppm | 30 ppm | 40 ppm | 50 ppm | 60 ppm",
        "Functions: Print | Print, copy, scan | Print, copy, scan, fax", "Connectivity: USB | USB, Ethernet | USB, Ethernet, Wi-Fi",
        "Paper size: Letter | Legal | Tabloid | A3", name="Color | Functions | Print speed",
    ),
    "label_printer": family(
        HW, "Zebra | Brother | Honeywell | Epson | Bixolon", "Desk | Industrial | Mobile",
        "Technology: Direct thermal | Thermal transfer", "Resolution: 203 dpi | 300 dpi | 600 dpi", 'Print width: 2" | 4" | 6"',
        "Connectivity: USB | USB, Ethernet | USB, Ethernet, Wi-Fi, Bluetooth", name="Print width | Resolution",
    ),
    "receipt_printer": family(
        HW, "Epson | Star Micronics | Bixolon", {"Epson": "TM", "Star Micronics": "TSP", "Bixolon": "SRP"},
        "Print width: 58 mm | 80 mm", "Interface: USB | USB, Ethernet | USB, Bluetooth | USB, Serial", "Speed: 200 mm/s | 250 mm/s | 350 mm/s",
        "Auto cutter: Yes | No", name="Print width | Interface",
    ),
    "scanner": family(
        HW, "Epson | Brother | Canon | Fujitsu | HP", "Scan | Doc | Pro | Flow",
        "Type: Sheetfed | Flatbed | Portable", "Speed: 25 ppm | 35 ppm | 45 ppm | 60 ppm | 80 ppm",
        "Daily duty cycle: 3000 pages | 6000 pages | 9000 pages", "Resolution: 600 dpi | 1200 dpi | 4800 dpi",
        "Connectivity: USB | USB, Wi-Fi | USB, Ethernet", name="Speed | Connectivity",
    ),
    "barcode": family(
        HW, "Zebra | Honeywell | Datalogic", "Scan | Swift | Flex",
        "Type: 1D | 2D", "Connectivity: USB | Bluetooth | USB, RS-232", "Form: Handheld | Presentation | Wearable", name="Type | Form | Connectivity",
    ),
    "mobile_computer": family(
        HW, "Zebra | Honeywell | Datalogic", "Mobile | Field | Pro",
        "Operating system: Android 13 | Android 14", 'Screen size: 4" | 5" | 6"', "Scanner: 2D imager | 2D long range",
        "Keypad: Touch | Numeric | Alphanumeric", name="Screen size | Scanner",
    ),
    "toner": family(
        HW, "HP | Brother | Canon | Xerox | Lexmark | Kyocera | Ricoh", "Original",
        "Color: Black | Cyan | Magenta | Yellow", "Yield: 1,500 pages | 3,000 pages | 6,000 pages | 10,000 pages | 25,000 pages",
        "Capacity: Standard | High yield | Extra high yield", name="Color | Yield",
    ),
    "ink": family(
        HW, "HP | Epson | Canon | Brother", "Original",
        "Color: Black | Cyan | Magenta | Yellow | Tri-color | Photo black", "Volume: 7 ml | 12 ml | 65 ml | 70 ml | 127 ml",
        "Yield: 200 pages | 500 pages | 1,100 pages | 4,500 pages | 7,500 pages", name="Color | Volume",
    ),
    "paper": family(
        HW, "HP | Xerox | Epson | Canon", "Office | Premium | Photo | Plotter",
        'Size: Letter | Legal | A4 | Tabloid | Roll 24" | Roll 36"', "Weight: 75 g/m² | 90 g/m² | 120 g/m² | 180 g/m² | 260 g/m²",
        "Finish: Plain | Matte | Glossy | Satin", "Pack: 100 sheets | 500 sheets | 5 reams | Roll 45 m", name="Size | Weight | Finish",
    ),
    "labels": family(
        HW, "Zebra | Brother | Honeywell", "Z-Perform | DK | Duratherm",
        'Size: 2" x 1" | 4" x 6" | 62 mm continuous | 29 mm x 90 mm', "Material: Paper | Polypropylene | Polyester",
        "Rolls: 1 roll | 4 rolls | 12 rolls", name="Size | Material",
    ),
    "ribbon": family(
        HW, "Zebra | Epson | Honeywell | Brother", "Original",
        "Type: Wax | Wax/Resin | Resin | Nylon", 'Width: 2.36" | 4.33" | 6.06"', "Length: 74 m | 300 m | 450 m", name="Type | Width",
    ),
    "keyboard": family(
        HW, "Logitech | Microsoft | Genius | HP | Dell | Lenovo | Kensington", "Keys | Ergo | Slim | Pro | Comfort",
        WIRELESS, LAYOUT, "Type: Membrane | Scissor | Mechanical", "Color: Black | White | Graphite", name="Connectivity | Layout",
    ),
    "gaming_keyboard": family(
        HW, GAMING, "Strike | Blade | Storm | Raptor | Nova",
        "Switch: Red linear | Brown tactile | Blue clicky | Optical", "Size: Full size | TKL | 75% | 60%", "Lighting: RGB | Single color",
        LAYOUT, "Connectivity: Wired | Wireless", name="Size | Switch | Layout",
    ),
    "mouse": family(
        HW, "Logitech | Microsoft | Genius | HP | Dell | Lenovo | Kensington", "Mouse | Ergo | Pro | Mini | Silent",
        WIRELESS, "Resolution: 1000 DPI | 1600 DPI | 4000 DPI | 8000 DPI", "Buttons: 3 buttons | 5 buttons | 7 buttons",
        "Hand: Right-handed | Ambidextrous", COLOR, name="Connectivity | Color",
    ),
    "gaming_mouse": family(
        HW, GAMING, "Hawk | Pulse | Venom | Swift | Talon",
        "Resolution: 12000 DPI | 16000 DPI | 26000 DPI | 30000 DPI", "Weight: 58 g | 63 g | 80 g | 95 g",
        "Connectivity: Wired | Wireless", "Lighting: RGB | None", name="Resolution | Connectivity",
    ),
    "combo": family(
        HW, "Logitech | Microsoft | Genius | HP | Dell | Lenovo", "Desktop | Combo | Slim | Comfort",
        WIRELESS, LAYOUT, "Color: Black | White | Graphite", name="Connectivity | Layout",
    ),
    "webcam": family(
        HW, "Logitech | Microsoft | Poly | Genius | Razer", "Cam | Studio | View | Meet",
        "Resolution: 720p | 1080p | 1440p | 4K", "Frame rate: 30 fps | 60 fps", "Field of view: 78° | 90° | 110°",
        "Microphone: Mono | Stereo | Dual stereo", name="Resolution",
    ),
    "headset": family(
        HW, "Jabra | Poly | Logitech | Genius | Microsoft | Yealink", "Evolve | Voice | Zone | Talk | Office",
        "Type: On-ear | Over-ear | In-ear", "Connectivity: USB-A | USB-C | Bluetooth | 3.5 mm", "Channels: Mono | Stereo",
        "Certification: Microsoft Teams | Zoom | UC @0.6", name="Type | Connectivity | Channels",
    ),
    "gaming_headset": family(
        HW, GAMING, "Storm | Echo | Thunder | Pulse",
        "Connectivity: Wired 3.5 mm | USB | Wireless 2.4 GHz", "Sound: Stereo | 7.1 virtual surround",
        "Platform: PC | PC, PlayStation | PC, Xbox | Multiplatform", name="Connectivity | Sound",
    ),
    "speakers": family(
        HW, "Logitech | Genius | Sony | Xiaomi | Samsung | LG", "Sound | Bass | Party | Home",
        "Type: 2.0 | 2.1 | 5.1 | Soundbar | Portable", "Power: 6 W | 20 W | 40 W | 120 W | 300 W",
        "Connectivity: 3.5 mm | USB | Bluetooth | Wi-Fi", name="Type | Power",
    ),
    "presenter": family(
        HW, "Logitech | Kensington | Targus | Genius", "Spotlight | Presenter | Point",
        "Range: 15 m | 20 m | 30 m", "Pointer: Red laser | Green laser | Digital", name="Pointer | Range",
    ),
    "drawing_tablet": family(
        HW, "Wacom | Huawei | Xiaomi", "Draw | Pen | Studio",
        'Active area: Small | Medium | Large | 13.3" display | 16" display | 22" display', "Pressure levels: 4096 | 8192",
        "Connectivity: USB | Bluetooth", name="Active area",
    ),
    "kvm": family(
        HW, "StarTech | Manhattan | Vertiv | D-Link", "Switch | Console | Link",
        "Ports: 2 ports | 4 ports | 8 ports | 16 ports", "Video: HDMI | DisplayPort | VGA", 'Console screen: None | 17" | 19"',
        name="Ports | Video",
    ),
    "bag": family(
        HW, "Targus | Lenovo | HP | Dell | Kensington", "Classic | Urban | Work | Travel | Eco",
        "Type: Backpack | Briefcase | Sleeve | Rolling case | Messenger", 'Fits up to: 13.3" | 14" | 15.6" | 16" | 17.3"',
        "Material: Polyester | Nylon | Leather | Recycled PET", "Color: Black | Grey | Navy", name="Type | Fits up to",
    ),
    "dock": family(
        HW, "Dell | HP | Lenovo | StarTech | Targus | Kensington | Belkin | Anker", "Dock | Hub | Station",
        "Connection: USB-C | Thunderbolt 4 | USB-A", "Displays: Single 4K | Dual 4K | Triple 1080p",
        "Power delivery: 65 W | 90 W | 100 W | 130 W", name="Connection | Displays",
    ),
    "hub": family(
        HW, "Anker | Belkin | StarTech | Manhattan | Targus | Kensington", "Hub | Connect",
        "Ports: 4 ports | 7 ports | 10 ports | 13 ports", "Connection: USB-A | USB-C", "Powered: Yes | No", name="Ports | Connection",
    ),
    "stand": family(
        HW, "Kensington | Targus | Fellowes | Manhattan", "Riser | Lift | Stand",
        "Type: Fixed | Adjustable height | Folding", "Material: Aluminium | Plastic | Steel", name="Type | Material",
    ),
    "privacy": family(
        HW, "Kensington | Targus | Fellowes", "Privacy | Guard",
        'Screen size: 13.3" | 14" | 15.6" | 23.8" | 27"', "Aspect ratio: 16:9 | 16:10", "Attachment: Magnetic | Adhesive tabs | Slide mount",
        name="Screen size | Aspect ratio",
    ),
    "lock": family(
        HW, "Kensington | Targus | Manhattan | StarTech", "Lock | Defcon",
        "Type: Keyed | Combination | Master keyed", "Slot: Standard | Nano | Wedge", "Cable length: 1.5 m | 1.8 m | 2 m", name="Type | Slot",
    ),
    "cleaning": family(
        HW, "Fellowes | Manhattan | Kensington", "Clean | Care",
        "Type: Wipes | Spray kit | Compressed air | Microfibre cloth", "Quantity: 1 unit | 2 units | 100 wipes | 200 wipes", name="Type | Quantity",
    ),
    "conf_cam": family(
        HW, "Logitech | Poly | Yealink | Jabra | Cisco", "Room | Studio | Meet | Huddle",
        "Resolution: 1080p | 4K", "Field of view: 90° | 120° | 150°", "Zoom: 4x digital | 5x digital | 12x optical",
        "Room size: Huddle | Small | Medium | Large", name="Room size | Resolution",
    ),
    "speakerphone": family(
        HW, "Jabra | Poly | Yealink | Logitech | Grandstream", "Speak | Sync | Conference",
        "Connectivity: USB | Bluetooth | USB, Bluetooth | SIP", "Pickup range: 2 m | 3 m | 6 m", "Room size: Personal | Small | Medium",
        name="Connectivity | Room size",
    ),
    "mic": family(
        HW, "Logitech | HyperX | Razer | Sony", "Cast | Stream | Voice",
        "Type: USB | XLR | Wireless lavalier", "Pattern: Cardioid | Omnidirectional | Multi-pattern", name="Type | Pattern",
    ),
    "capture": family(
        HW, "StarTech | Razer | Logitech", "Capture | Link | Stream",
        "Input: HDMI | HDMI, SDI", "Max resolution: 1080p60 | 4K30 | 4K60", "Interface: USB 3.0 | PCIe", name="Input | Max resolution",
    ),
    "projector": family(
        HW, "Epson | BenQ | ViewSonic | Optoma | Sony | LG", "Lite | Home | Pro | Cinema",
        "Brightness: 3,000 lumens | 3,600 lumens | 4,000 lumens | 5,000 lumens | 7,000 lumens", "Resolution: SVGA | XGA | WXGA | 1080p | 4K UHD",
        "Light source: Lamp | Laser | LED", "Throw: Standard | Short throw | Ultra short throw", name="Resolution | Brightness",
    ),
    "screen": family(
        HW, "Epson | Optoma | Manhattan", "Screen | View",
        'Size: 84" | 100" | 120" | 150"', "Type: Manual pull-down | Electric | Fixed frame | Tripod", "Format: 16:9 | 16:10 | 4:3",
        name="Size | Type",
    ),
    "server": family(
        HW, "Dell | HP | Lenovo | Supermicro | Fujitsu", {"Dell": "PowerEdge", "HP": "ProLiant", "Lenovo": "ThinkSystem", "Supermicro": "SuperServer", "Fujitsu": "Primergy"},
        "Form factor: Tower | Rack 1U | Rack 2U | Blade", "Processor: Intel Xeon E-2434 | Intel Xeon Silver 4410Y | Intel Xeon Gold 6430 | AMD EPYC 9124 | AMD EPYC 9354",
        "RAM: 16 GB | 32 GB | 64 GB | 128 GB | 256 GB", 'Drive bays: 4 x 3.5" | 8 x 2.5" | 10 x 2.5" | 12 x 3.5" | 24 x 2.5"',
        "Power supply: Single 600 W | Redundant 800 W | Redundant 1400 W", name="Form factor | Processor | RAM",
    ),
    "server_option": family(
        HW, "Dell | HP | Lenovo | Supermicro", "Option",
        "Type: RAID controller | Rail kit | Power supply | Riser card | Fan kit | Network adapter", "Fits: Tower | Rack 1U | Rack 2U",
        name="Type | Fits",
    ),
    "rack": family(
        HW, "APC | Eaton | Vertiv | Panduit | Manhattan | StarTech", "Rack | Enclosure | Frame",
        "Height: 6U | 9U | 12U | 24U | 42U | 45U", "Depth: 450 mm | 600 mm | 1000 mm | 1200 mm", "Width: 600 mm | 800 mm",
        "Type: Open frame | Enclosed | Wall mount", name="Height | Depth",
    ),
    "rack_accessory": family(
        HW, "Panduit | APC | Manhattan | StarTech | Vertiv", "Rack",
        "Type: Patch panel | Cable manager | Shelf | Blanking panel | Fan unit", "Size: 1U | 2U", "Ports: 24 ports | 48 ports @0.4",
        name="Type | Size",
    ),
    "pdu": family(
        HW, "APC | Eaton | Vertiv | CyberPower", "Rack | Pro | Smart",
        "Type: Basic | Metered | Switched | Monitored", "Outlets: 8 outlets | 12 outlets | 24 outlets | 42 outlets",
        "Input: 120 V | 208 V | 230 V", "Form factor: 1U | 0U vertical", name="Type | Outlets",
    ),
    "san": family(
        HW, "Dell | HP | Lenovo | Fujitsu | Huawei", {"Dell": "PowerVault ME", "HP": "MSA", "Lenovo": "ThinkSystem DE", "Fujitsu": "Eternus DX", "Huawei": "OceanStor"},
        "Controllers: Single | Dual", "Drive bays: 12 bays | 24 bays | 25 bays", "Host interface: 16 Gb FC | 32 Gb FC | 25 GbE iSCSI | 12 Gb SAS",
        "Raw capacity: 24 TB | 48 TB | 96 TB | 192 TB", name="Drive bays | Host interface",
    ),
    "ups": family(
        HW, "APC | Eaton | Vertiv | CyberPower | Forza", "Smart | Back | Pro | Value",
        "Capacity: 600 VA | 1000 VA | 1500 VA | 2200 VA | 3000 VA | 6000 VA | 10 kVA", "Topology: Standby | Line-interactive | Online double conversion",
        "Form factor: Tower | Rack 2U | Rack/Tower", "Outlets: 4 outlets | 6 outlets | 8 outlets | 10 outlets", name="Capacity | Form factor",
    ),
    "regulator": family(
        HW, "Forza | APC | CyberPower", "Regulator | AVR",
        "Capacity: 1000 VA | 1200 VA | 2000 VA", "Outlets: 4 outlets | 8 outlets", name="Capacity | Outlets",
    ),
    "surge": family(
        HW, "APC | Belkin | CyberPower | Forza | Manhattan", "Surge | Strip | Guard",
        "Outlets: 6 outlets | 8 outlets | 10 outlets | 12 outlets", "Energy rating: 900 J | 1800 J | 3000 J", "USB ports: None | 2 ports | 4 ports",
        name="Outlets | Energy rating",
    ),
    "battery": family(
        HW, "APC | Eaton | CyberPower | Forza | Vertiv", "Replacement | Extended",
        "Voltage: 12 V | 24 V | 48 V", "Capacity: 7 Ah | 9 Ah | 18 Ah", "Type: Replacement cartridge | External battery pack",
        name="Voltage | Capacity",
    ),
    "ipcam": family(
        HW, "Hikvision | Dahua | Axis | Ubiquiti | TP-Link", "Color | Sense | Protect | Vision | Pro",
        "Type: Bullet | Dome | Turret | PTZ | Fisheye", "Resolution: 2 MP | 4 MP | 5 MP | 8 MP",
        "Lens: 2.8 mm | 4 mm | 2.8-12 mm motorized", "Night vision: 30 m | 50 m | Full color", "PoE: Yes | No @0.8", name="Type | Resolution",
    ),
    "analog_cam": family(
        HW, "Hikvision | Dahua", "Turbo | HD",
        "Type: Bullet | Dome | Turret", "Resolution: 2 MP | 5 MP | 8 MP", "Technology: TVI | CVI | Multi-format", name="Type | Resolution",
    ),
    "nvr": family(
        HW, "Hikvision | Dahua | Axis | Ubiquiti", "Recorder | Station",
        "Channels: 4 channels | 8 channels | 16 channels | 32 channels | 64 channels", "PoE ports: None | 4 PoE | 8 PoE | 16 PoE",
        "Drive bays: 1 bay | 2 bays | 4 bays | 8 bays", "Max camera resolution: 8 MP | 12 MP | 32 MP", name="Channels | PoE ports",
    ),
    "surv_kit": family(
        HW, "Hikvision | Dahua | TP-Link", "Kit",
        "Cameras: 4 cameras | 8 cameras", "Resolution: 2 MP | 4 MP | 5 MP", "Storage: None | 1 TB | 2 TB", name="Cameras | Resolution",
    ),
    "access": family(
        HW, "Hikvision | Dahua | Honeywell", "Access | Pro",
        "Type: Fingerprint terminal | Face recognition terminal | Card reader | Controller | Magnetic lock",
        "Users: 1,000 users | 3,000 users | 10,000 users | 50,000 users", "Connectivity: TCP/IP | TCP/IP, Wi-Fi | RS-485", name="Type",
    ),
    "doorbell": family(
        HW, "Hikvision | Dahua | TP-Link | Xiaomi", "Door | Bell",
        "Resolution: 1080p | 2K | 4 MP", "Power: Battery | Wired", name="Resolution | Power",
    ),
    "security_sw": family(
        SW, "Kaspersky | ESET | Bitdefender | Norton | McAfee | Trend Micro", "Antivirus | Internet Security | Total Security | Premium Security | Plus",
        "Devices: 1 device | 3 devices | 5 devices | 10 devices", TERM, "Delivery: Electronic licence | Retail box",
        "Platform: Windows | Windows, macOS, Android, iOS", name="Devices | Term", noun=False,
    ),
    "endpoint": family(
        LIC, "Kaspersky | ESET | Bitdefender | Sophos | Trend Micro", "Endpoint Security | Endpoint Detection and Response | Small Office Security | Advanced Threat Protection | Mail Security",
        "Seats: 5 seats | 10 seats | 25 seats | 50 seats | 100 seats | 250 seats", TERM, "Licence: New | Renewal",
        name="Seats | Term | Licence", noun=False,
    ),
    "backup_sw": family(
        LIC, "Veeam | Acronis", {"Veeam": "Backup & Replication | Data Platform | Backup for Microsoft 365 | Agent for Windows", "Acronis": "Cyber Protect | Cyber Backup | Cyber Protect Home Office"},
        "Edition: Standard | Advanced | Enterprise | Enterprise Plus", "Units: 1 workload | 10 workloads | 10 instances | 25 users | 50 users",
        "Term: 1 year | 3 years | Perpetual", name="Edition | Units | Term", noun=False,
    ),
    "firewall_sub": family(
        LIC, "Fortinet | Sophos | Cisco", "Unified Threat Protection | Enterprise Protection | Web Filtering | Advanced Threat Protection",
        "Appliance tier: Small office | Branch | Campus | Data center", "Term: 1 year | 3 years | 5 years", name="Appliance tier | Term", noun=False,
    ),
    "os_sw": family(
        SW, "Microsoft | Red Hat", {"Microsoft": "Windows 11 Home | Windows 11 Pro | Windows Server 2022 Standard | Windows Server 2022 Datacenter", "Red Hat": "Enterprise Linux Server | Enterprise Linux Workstation"},
        "Licence: OEM | Retail | Electronic | Subscription", "Language: Spanish | English | Multilanguage", name="Licence | Language", noun=False,
    ),
    "office_sw": family(
        SW, "Microsoft | Adobe", {"Microsoft": "Office Home 2024 | Office Home & Business 2024 | Office LTSC Standard 2024 | Visio Standard 2024 | Project Standard 2024", "Adobe": "Acrobat Standard | Acrobat Pro"},
        "Licence: OEM | Retail | Electronic | Subscription", "Language: Spanish | English | Multilanguage", "Users: 1 user | 5 users", name="Licence | Language | Users", noun=False,
    ),
    "design_sw": family(
        LIC, "Adobe | Autodesk", {"Adobe": "Creative Cloud All Apps | Photoshop | Illustrator | Premiere Pro | InDesign", "Autodesk": "AutoCAD | AutoCAD LT | Revit | 3ds Max | Maya | Fusion"},
        "Term: 1 month | 1 year | 3 years", "Segment: Commercial | Education | Government", "Users: 1 user | Team", name="Term | Segment", noun=False,
    ),
    "virt_sw": family(
        LIC, "VMware | Microsoft | Red Hat", {"VMware": "vSphere Foundation | vSphere Standard | Cloud Foundation | Workstation Pro", "Microsoft": "System Center Standard | System Center Datacenter", "Red Hat": "OpenShift Container Platform | OpenShift Virtualization"},
        "Cores: 16 cores | 32 cores | 64 cores | 1 user", TERM, "Support: Basic | Production", name="Cores | Term | Support", noun=False,
    ),
    "utility_sw": family(
        SW, "Acronis | Kaspersky | Microsoft", {"Acronis": "True Image | Disk Director | Snap Deploy", "Kaspersky": "Password Manager | VPN Secure Connection", "Microsoft": "Visual Studio Professional | Publisher 2024"},
        "Devices: 1 device | 3 devices | 5 devices", "Term: 1 year | 2 years | Perpetual", "Delivery: Electronic licence | Retail box", name="Devices | Term", noun=False,
    ),
    "vl": family(
        LIC, "Microsoft", "Windows 11 Pro Upgrade | Office LTSC Standard 2024 | Office LTSC Professional Plus 2024 | Windows Server 2022 Standard | SQL Server 2022 Standard | Exchange Server 2019 Standard | Visio LTSC Professional 2024 | Project Professional 2024 | Windows Server 2022 CAL",
        "Licence type: Licence | Software Assurance | Licence + Software Assurance", "Term: 1 year | 2 years | 3 years | Perpetual",
        "Segment: Commercial | Academic | Government", name="Programme | Licence type | Term", noun=False,
    ),
    "server_lic": family(
        LIC, "Microsoft | Red Hat", {"Microsoft": "Windows Server 2022 Standard 16 Core | Windows Server 2022 Datacenter 16 Core | SQL Server 2022 Standard 2 Core | SQL Server 2022 Enterprise 2 Core | Exchange Server 2019 Standard", "Red Hat": "Enterprise Linux Server | Enterprise Linux for Virtual Datacenters"},
        "Licence: OEM | Open Value | CSP perpetual | Subscription", "Language: Spanish | English | Multilanguage", TERM, name="Licence | Term", noun=False,
    ),
    "cal": family(
        LIC, "Microsoft", "Windows Server 2022 CAL | Remote Desktop Services 2022 CAL | SQL Server 2022 CAL | Exchange Server 2019 Standard CAL",
        "Type: User CAL | Device CAL", "Pack: 1 CAL | 5 CAL | 10 CAL | 50 CAL", "Licence: OEM | Open Value | CSP perpetual", name="Type | Pack", noun=False,
    ),
    "cloud": family(
        CLOUD, "Microsoft | Google | Acronis | Kaspersky | Veeam",
        {"Microsoft": "365 Business Basic | 365 Business Standard | 365 Business Premium | 365 E3 | Exchange Online Plan 1 | Teams Essentials | Azure Backup | Defender for Business", "Google": "Workspace Business Starter | Workspace Business Standard | Workspace Enterprise | Cloud Storage", "Acronis": "Cyber Protect Cloud | Cloud Storage", "Kaspersky": "Endpoint Security Cloud | Security for Microsoft Office 365", "Veeam": "Data Cloud | Backup for Microsoft 365"},
        "Users: 1 user | 5 users | 10 users | 25 users | 100 users", "Billing: Monthly | Annual", "Commitment: Monthly | 1 year | 3 years",
        name="Users | Commitment", noun=False,
    ),
    "chair": family(
        HW, "Corsair | Razer | Cooler Master", "Throne | Comfort | Pro | Arena",
        "Material: PU leather | Fabric | Mesh", "Max weight: 120 kg | 136 kg | 150 kg", "Color: Black | Black/Red | White | Grey", name="Material | Color",
    ),
    "gamepad": family(
        HW, "Microsoft | Sony | Logitech | Razer | Redragon", "Controller | Pad | Wolverine",
        "Platform: Xbox, PC | PlayStation 5 | PC | Multiplatform", "Connectivity: Wired | Wireless | Bluetooth", "Color: Black | White | Red | Blue",
        name="Platform | Connectivity",
    ),
    "console": family(
        HW, "Sony | Microsoft", {"Sony": "PlayStation 5 Slim | PlayStation 5 Pro | PlayStation Portal", "Microsoft": "Xbox Series S | Xbox Series X"},
        "Storage: 512 GB | 1 TB | 2 TB", "Edition: Standard | Digital | Bundle", name="Storage | Edition", noun=False,
    ),
    "mousepad": family(
        HW, GAMING, "Glide | Control | Speed",
        "Size: Medium | Large | XL | XXL", "Surface: Cloth | Hard | Hybrid", "Lighting: RGB | None", name="Size | Surface",
    ),
    "pos": family(
        HW, "HP | Lenovo | Dell | Epson", "Retail | Engage | Counter",
        'Screen size: 10.1" | 15" | 15.6" | 21.5"', "Processor: Intel Celeron J6412 | Intel Core i3-1215U | Intel Core i5-1245U",
        "Operating system: Windows 11 IoT | Android 12 | No operating system", name="Screen size | Processor",
    ),
    "cash_drawer": family(
        HW, "Star Micronics | Epson | Bixolon", "Drawer",
        "Bill compartments: 4 bills | 5 bills", "Coin compartments: 5 coins | 8 coins", "Interface: Printer driven RJ11 | USB", name="Bill compartments | Interface",
    ),
    "pos_display": family(
        HW, "Epson | HP | Bixolon", "Display",
        'Type: VFD 2 x 20 | LCD 10.1" | LCD 15"', "Interface: USB | Serial", name="Type",
    ),
    "payment": family(
        HW, "Ingenico | Verifone", {"Ingenico": "Move | Desk | Lane", "Verifone": "V200 | P400"},
        "Type: Countertop | Portable | PIN pad", "Connectivity: Ethernet | Wi-Fi | 4G | Bluetooth", "Contactless: NFC | None", name="Type | Connectivity",
    ),
    "cable_network": family(
        HW, "Manhattan | StarTech | Panduit | Belkin", "",
        "Category: Cat5e | Cat6 | Cat6A | Cat7", LENGTH, "Color: Blue | Grey | Yellow | Red | Black", "Shielding: UTP | FTP | S/FTP",
        name="Category | Length | Color",
    ),
    "cable_video": family(
        HW, "Manhattan | StarTech | Belkin", "",
        "Connector: HDMI to HDMI | DisplayPort to DisplayPort | HDMI to DVI | USB-C to HDMI | Mini DisplayPort to HDMI",
        "Version: HDMI 2.0 | HDMI 2.1 | DisplayPort 1.4 @0.7", LENGTH, name="Connector | Length",
    ),
    "cable_usb": family(
        HW, "Anker | Belkin | StarTech | Manhattan | Samsung", "",
        "Connector: USB-C to USB-C | USB-A to USB-C | USB-A to Micro-USB | USB-A to USB-B", LENGTH, "Power: 60 W | 100 W | 240 W @0.6",
        name="Connector | Length",
    ),
    "cable_power": family(
        HW, "Manhattan | StarTech | APC | Panduit", "",
        "Connector: C13 to C14 | C13 to NEMA 5-15P | C19 to C20 | C5 to NEMA 5-15P", LENGTH, "Gauge: 18 AWG | 14 AWG", name="Connector | Length",
    ),
    "cable_fibre": family(
        HW, "Panduit | StarTech | Manhattan", "",
        "Type: OM3 multimode | OM4 multimode | OS2 single mode", "Connector: LC to LC | SC to LC | SC to SC", LENGTH, name="Type | Connector | Length",
    ),
    "cable_audio": family(
        HW, "Manhattan | StarTech | Belkin", "",
        "Connector: 3.5 mm to 3.5 mm | 3.5 mm to RCA | XLR to XLR | Optical Toslink", LENGTH, name="Connector | Length",
    ),
    "adapter": family(
        HW, "StarTech | Manhattan | Belkin | Targus | Anker", "",
        "Connector: USB-C to HDMI | USB-C to DisplayPort | DisplayPort to VGA | HDMI to VGA | USB-C to Ethernet | USB-A to Ethernet",
        "Max resolution: 1920 x 1080 | 3840 x 2160 @0.7", name="Connector",
    ),
    "ip_phone": family(
        HW, "Yealink | Grandstream | Poly | Cisco", "Desk | Pro | Exec",
        "Lines: 2 lines | 4 lines | 6 lines | 16 lines", 'Display: Monochrome | Color 2.8" | Color 4.3" | Touchscreen 7"', "PoE: Yes | No",
        name="Lines | Display",
    ),
    "dect": family(
        HW, "Yealink | Grandstream | Panasonic | Poly", "Cordless | Office | Pro",
        "Type: Handset | Base station | Repeater | Bundle", "Range: 50 m indoors | 300 m outdoors", name="Type",
    ),
    "gateway": family(
        HW, "Grandstream | Yealink | Cisco", "HT | GXW | SPA",
        "Ports: 1 FXS | 2 FXS | 4 FXO | 8 FXS | 1 E1/T1", name="Ports",
    ),
    "pbx": family(
        HW, "Grandstream | Yealink | Panasonic", "UCM | PBX | Office",
        "Users: 50 users | 100 users | 500 users | 2000 users", "Trunks: 2 FXO | 4 FXO | SIP only", name="Users",
    ),
    "intercom": family(
        HW, "Hikvision | Dahua | Grandstream | Panasonic", "Door | Villa | GDS",
        "Type: Door station | Indoor monitor | Kit", "Connectivity: IP | 2-wire | Analog", name="Type | Connectivity",
    ),
    "smart": family(
        HW, "Xiaomi | TP-Link | Google | Philips", "Home | Smart | Living | Mi",
        "Protocol: Wi-Fi | Zigbee | Bluetooth | Matter", "Voice assistant: Alexa | Google Assistant | Alexa, Google Assistant", "Color: White | Black",
        name="Protocol",
    ),
    "camera": family(
        HW, "Sony | Canon | Nikon | Panasonic", {"Sony": "Alpha", "Canon": "EOS R", "Nikon": "Z", "Panasonic": "Lumix"},
        "Sensor: Full frame | APS-C | Micro Four Thirds | 1-inch", "Resolution: 20 MP | 24 MP | 33 MP | 45 MP | 61 MP",
        "Video: 4K 30p | 4K 60p | 8K", "Kit: Body only | With 18-55 mm lens | With 24-105 mm lens", name="Resolution | Kit",
    ),
    "action_cam": family(
        HW, "GoPro | DJI | Sony", {"GoPro": "Hero", "DJI": "Osmo Action", "Sony": "Action Cam"},
        "Video: 4K 60 | 5.3K 60 | 8K 30", "Waterproof: 10 m | 18 m | Housing required", name="Video",
    ),
    "drone": family(
        HW, "DJI", "Mini | Air | Mavic | Avata",
        "Camera: 4K | 5.1K | Dual 4K", "Flight time: 31 min | 34 min | 46 min", "Weight: 249 g | 720 g | 895 g", "Kit: Standard | Fly More Combo",
        name="Camera | Kit",
    ),
    "lens": family(
        HW, "Canon | Nikon | Sony | Panasonic", "Lens | Pro | Art",
        "Mount: RF | Z | E | L", "Focal length: 16-35 mm | 24-70 mm | 70-200 mm | 100-400 mm | 35 mm | 50 mm", "Aperture: f/1.8 | f/2.8 | f/4",
        name="Focal length | Aperture | Mount",
    ),
    "tripod": family(
        HW, "DJI | Manhattan | Sony", "Grip | Stand | Steady",
        "Type: Tripod | Gimbal | Monopod", "Max load: 1 kg | 3 kg | 8 kg", "Material: Aluminium | Carbon fibre", name="Type | Max load",
    ),
}


@dataclass(frozen=True)
class Subcategory:
    name: str
    family: str
    usd_low: float
    usd_high: float
    fixed: dict[str, str] = field(default_factory=dict)
    noun: str = ""


def sub(name: str, family_key: str, low: float, high: float, noun: str = "", **fixed: str) -> Subcategory:
    """A subcategory; keyword arguments fix an attribute's value (underscores read as spaces)."""
    return Subcategory(name, family_key, low, high, {key.replace("_", " ").capitalize(): value for key, value in fixed.items()}, noun)


# (top category, the two letters of its SKUs, its subcategories)
TREE: list[tuple[str, str, list[Subcategory]]] = [
    ("Notebooks", "NB", [
        sub("Business Notebooks", "notebook", 550, 2400), sub("Consumer Notebooks", "notebook", 350, 1300),
        sub("Gaming Notebooks", "notebook", 900, 3500), sub("2-in-1 Convertibles", "notebook", 500, 1900),
        sub("Ultrabooks", "notebook", 800, 2600), sub("Chromebooks", "notebook", 200, 600, Operating_system="ChromeOS"),
        sub("Mobile Workstations", "notebook", 1500, 4800), sub("Rugged Notebooks", "notebook", 1800, 5200),
    ]),
    ("Desktops", "DT", [
        sub("Business Desktops", "desktop", 450, 1600), sub("Mini PCs", "desktop", 300, 1100, noun="Mini PC", Form_factor="Mini"),
        sub("All-in-One PCs", "aio", 600, 2200, noun="All-in-One PC"), sub("Gaming Desktops", "desktop", 900, 3800),
        sub("Workstations", "desktop", 1400, 6500), sub("Thin Clients", "thin_client", 250, 700),
    ]),
    ("Monitors", "MN", [
        sub("Office Monitors", "monitor", 110, 350), sub("Professional Monitors", "monitor", 300, 1400),
        sub("Gaming Monitors", "monitor", 220, 1100), sub("Curved Monitors", "monitor", 250, 1200),
        sub("Portable Monitors", "monitor", 150, 400), sub("Large Format Displays", "display", 800, 4500),
        sub("Monitor Arms", "mount", 25, 250),
    ]),
    ("Tablets", "TB", [
        sub("Android Tablets", "tablet", 120, 700), sub("Windows Tablets", "tablet", 450, 1900),
        sub("Rugged Tablets", "tablet", 900, 2800), sub("Kids Tablets", "tablet", 90, 220),
        sub("Tablet Cases", "case", 15, 90), sub("Styluses", "stylus", 20, 130, noun="Stylus"),
    ]),
    ("Mobile", "MB", [
        sub("Smartphones", "phone", 150, 1300), sub("Rugged Phones", "phone", 300, 900),
        sub("Smartwatches", "wearable", 80, 450, noun="Smartwatch"), sub("Power Banks", "powerbank", 15, 90),
        sub("Phone Chargers", "charger", 10, 60), sub("Phone Cases", "case", 8, 45),
    ]),
    ("Storage", "ST", [
        sub("Internal Hard Drives", "hdd", 45, 420), sub("Internal SSDs", "ssd", 35, 650, noun="Internal SSD"),
        sub("External Hard Drives", "ext_drive", 55, 320), sub("Portable SSDs", "ext_drive", 70, 400, noun="Portable SSD"),
        sub("USB Flash Drives", "flash", 5, 60, Interface="USB 3.2"), sub("Memory Cards", "flash", 6, 120),
        sub("NAS Systems", "nas", 180, 3200, noun="NAS"), sub("Tape Media", "tape", 30, 180, noun="Tape Cartridge"),
    ]),
    ("Components", "CP", [
        sub("Processors", "cpu", 70, 950, noun="Processor"), sub("Motherboards", "motherboard", 80, 700),
        sub("Graphics Cards", "gpu", 250, 2200), sub("Desktop Memory", "ram", 20, 380, noun="Memory", Form_factor="DIMM"),
        sub("Notebook Memory", "ram", 20, 380, noun="Notebook Memory", Form_factor="SO-DIMM"), sub("Power Supplies", "psu", 40, 350, noun="Power Supply"),
        sub("PC Cases", "pc_case", 45, 300, noun="PC Case"), sub("CPU Coolers", "cooler", 20, 220, noun="CPU Cooler"),
        sub("Case Fans", "fan", 8, 45, noun="Case Fan"),
    ]),
    ("Networking", "NW", [
        sub("Unmanaged Switches", "switch", 20, 250, noun="Switch", Management="Unmanaged"), sub("Managed Switches", "switch", 180, 4200, noun="Switch"),
        sub("Routers", "router", 60, 1800), sub("Firewalls", "firewall", 300, 6500),
        sub("Network Cards", "nic", 20, 450), sub("Powerline Adapters", "powerline", 35, 140),
        sub("Patch Cords", "cable_network", 3, 80, noun="Patch Cord"), sub("Fibre Optic Cables", "cable_fibre", 10, 120),
    ]),
    ("Wireless", "WL", [
        sub("Access Points", "ap", 70, 1200), sub("Wi-Fi Routers", "wifi_router", 35, 450),
        sub("Mesh Wi-Fi Systems", "wifi_router", 90, 600, noun="Mesh Wi-Fi System"), sub("Wireless Adapters", "nic", 12, 90),
        sub("Range Extenders", "wifi_router", 20, 120), sub("Outdoor Access Points", "ap", 90, 900, Mounting="Outdoor pole"),
        sub("Wireless Controllers", "wlan_controller", 400, 5000),
    ]),
    ("Printers", "PR", [
        sub("Laser Printers", "printer", 120, 1400, Technology="Laser"), sub("Inkjet Printers", "printer", 70, 600, Technology="Inkjet"),
        sub("Ink Tank Printers", "printer", 150, 700, Technology="Ink tank", Color="Color"), sub("Multifunction Printers", "printer", 180, 2500),
        sub("Large Format Printers", "printer", 1200, 9000), sub("Label Printers", "label_printer", 60, 900),
        sub("Receipt Printers", "receipt_printer", 90, 450), sub("Photo Printers", "printer", 120, 900, Color="Color"),
    ]),
    ("Scanners", "SC", [
        sub("Document Scanners", "scanner", 150, 1600, Type="Sheetfed"), sub("Flatbed Scanners", "scanner", 80, 600, Type="Flatbed"),
        sub("Portable Scanners", "scanner", 90, 300, Type="Portable"), sub("Barcode Scanners", "barcode", 40, 450),
        sub("Mobile Computers", "mobile_computer", 400, 2200), sub("Check Scanners", "scanner", 300, 1200),
    ]),
    ("Printing Supplies", "SU", [
        sub("Toner Cartridges", "toner", 35, 380), sub("Ink Cartridges", "ink", 12, 90),
        sub("Ink Bottles", "ink", 8, 30, Volume="70 ml"), sub("Drum Units", "toner", 60, 300),
        sub("Printer Paper", "paper", 4, 60), sub("Labels", "labels", 8, 70, noun="Label Rolls"),
        sub("Ribbons", "ribbon", 6, 60),
    ]),
    ("Peripherals", "PE", [
        sub("Keyboards", "keyboard", 10, 180), sub("Mice", "mouse", 6, 150, noun="Mouse"),
        sub("Keyboard and Mouse Combos", "combo", 18, 140, noun="Keyboard and Mouse Combo"), sub("Webcams", "webcam", 25, 250),
        sub("Headsets", "headset", 15, 320), sub("Speakers", "speakers", 15, 300),
        sub("Presenters", "presenter", 20, 90), sub("Graphics Tablets", "drawing_tablet", 60, 1800),
        sub("KVM Switches", "kvm", 30, 900, noun="KVM Switch"),
    ]),
    ("Accessories", "AC", [
        sub("Notebook Bags", "bag", 15, 160), sub("Docking Stations", "dock", 80, 380),
        sub("USB Hubs", "hub", 12, 90), sub("Notebook Stands", "stand", 15, 80),
        sub("Privacy Filters", "privacy", 30, 120), sub("Security Locks", "lock", 20, 70),
        sub("Notebook Chargers", "charger", 25, 120), sub("Cleaning Kits", "cleaning", 5, 25),
    ]),
    ("Audio & Video", "AV", [
        sub("Conference Cameras", "conf_cam", 150, 1800), sub("Video Bars", "conf_cam", 600, 3500),
        sub("Speakerphones", "speakerphone", 90, 900), sub("Soundbars", "speakers", 120, 900, Type="Soundbar"),
        sub("Microphones", "mic", 30, 350), sub("Capture Cards", "capture", 90, 400),
        sub("Room Kits", "conf_cam", 1200, 7000, noun="Room Kit"),
    ]),
    ("Projectors & Displays", "PJ", [
        sub("Business Projectors", "projector", 350, 1800), sub("Home Cinema Projectors", "projector", 600, 3500),
        sub("Laser Projectors", "projector", 1500, 9000, Light_source="Laser"), sub("Interactive Displays", "display", 1800, 7500, Touch="Yes"),
        sub("Digital Signage", "display", 500, 5000, noun="Signage Display"), sub("Projection Screens", "screen", 80, 900),
        sub("Display Mounts", "mount", 30, 250),
    ]),
    ("Servers", "SV", [
        sub("Tower Servers", "server", 900, 6500, noun="Server", Form_factor="Tower"), sub("Rack Servers", "server", 1800, 18000, noun="Server"),
        sub("Blade Servers", "server", 3500, 22000, noun="Server", Form_factor="Blade"), sub("Micro Servers", "server", 450, 1500, noun="Server"),
        sub("Server Hard Drives", "hdd", 120, 900, noun="Server Hard Drive"), sub("Server Processors", "cpu", 500, 9000, noun="Server Processor"),
        sub("Server Memory", "ram", 80, 1800, noun="Server Memory", Form_factor="RDIMM"), sub("Server Options", "server_option", 40, 900, noun="Server Option"),
    ]),
    ("Data Center", "DC", [
        sub("Server Racks", "rack", 400, 2500), sub("Wall Mount Cabinets", "rack", 120, 700, Type="Wall mount"),
        sub("PDUs", "pdu", 80, 1500, noun="PDU"), sub("Rack Accessories", "rack_accessory", 10, 200, noun="Rack Accessory"),
        sub("SAN Storage", "san", 5000, 40000, noun="Storage Array"), sub("Data Center Switches", "switch", 2500, 18000, noun="Switch", Speed="10 Gigabit"),
        sub("Tape Drives", "tape", 1200, 5500), sub("KVM Consoles", "kvm", 500, 2800, noun="KVM Console"),
    ]),
    ("Power Protection", "PW", [
        sub("Line-Interactive UPS", "ups", 70, 900, noun="UPS", Topology="Line-interactive"), sub("Online UPS", "ups", 600, 9000, noun="UPS", Topology="Online double conversion"),
        sub("Standby UPS", "ups", 40, 200, noun="UPS", Topology="Standby"), sub("Voltage Regulators", "regulator", 20, 150),
        sub("Surge Protectors", "surge", 10, 80), sub("UPS Batteries", "battery", 25, 400, noun="UPS Battery"),
    ]),
    ("Video Surveillance", "VS", [
        sub("IP Cameras", "ipcam", 45, 900, noun="IP Camera"), sub("Analog Cameras", "analog_cam", 20, 180),
        sub("Network Video Recorders", "nvr", 120, 2200), sub("Digital Video Recorders", "nvr", 80, 700),
        sub("Surveillance Kits", "surv_kit", 200, 1200), sub("Surveillance Hard Drives", "hdd", 60, 420, noun="Surveillance Hard Drive"),
        sub("Access Control", "access", 60, 900, noun="Access Control Device"), sub("Video Doorbells", "doorbell", 40, 250),
    ]),
    ("Security Software", "SS", [
        sub("Antivirus", "security_sw", 20, 90), sub("Internet Security", "security_sw", 30, 120),
        sub("Endpoint Protection", "endpoint", 150, 6000), sub("Email Security", "endpoint", 200, 5000),
        sub("Backup and Recovery", "backup_sw", 50, 2500), sub("Firewall Subscriptions", "firewall_sub", 200, 5000),
    ]),
    ("Software", "SW", [
        sub("Operating Systems", "os_sw", 110, 1200), sub("Office Suites", "office_sw", 90, 550),
        sub("Design and Creativity", "design_sw", 180, 2500), sub("CAD Software", "design_sw", 1800, 8500),
        sub("Virtualization", "virt_sw", 500, 9000), sub("Utilities", "utility_sw", 20, 150),
        sub("Education Software", "office_sw", 20, 200),
    ]),
    ("Licensing", "LI", [
        sub("Open Business", "vl", 80, 1800, Programme="Open Business"), sub("Open Value", "vl", 100, 2200, Programme="Open Value"),
        sub("Open Value Subscription", "vl", 60, 900, Programme="Open Value Subscription"), sub("School Agreements", "vl", 20, 600, Programme="School"),
        sub("Server Licences", "server_lic", 400, 7000), sub("Client Access Licences", "cal", 25, 250),
        sub("Windows Legalization", "vl", 90, 300, Programme="Get Genuine"),
    ]),
    ("Cloud", "CL", [
        sub("Productivity Suites", "cloud", 70, 2500), sub("Email and Collaboration", "cloud", 40, 1500),
        sub("Cloud Backup", "cloud", 50, 1500), sub("Cloud Security", "cloud", 20, 900),
        sub("Cloud Storage", "cloud", 30, 1200), sub("Infrastructure Credits", "cloud", 100, 5000),
    ]),
    ("Gaming", "GM", [
        sub("Gaming Keyboards", "gaming_keyboard", 40, 250, noun="Gaming Keyboard"), sub("Gaming Mice", "gaming_mouse", 25, 180, noun="Gaming Mouse"),
        sub("Gaming Headsets", "gaming_headset", 35, 350), sub("Gaming Chairs", "chair", 150, 600),
        sub("Game Controllers", "gamepad", 25, 200), sub("Consoles", "console", 280, 700, noun="Console"),
        sub("Mouse Pads", "mousepad", 8, 60), sub("Streaming Microphones", "mic", 40, 400, noun="Microphone"),
    ]),
    ("Point of Sale", "PS", [
        sub("POS Terminals", "pos", 500, 2200, noun="POS Terminal"), sub("Cash Drawers", "cash_drawer", 60, 220),
        sub("POS Printers", "receipt_printer", 120, 450, noun="POS Printer"), sub("Customer Displays", "pos_display", 90, 400),
        sub("Payment Terminals", "payment", 150, 700), sub("POS Scanners", "barcode", 60, 500, noun="POS Scanner", Form="Presentation"),
    ]),
    ("Cables & Adapters", "CA", [
        sub("HDMI Cables", "cable_video", 5, 60, noun="HDMI Cable", Connector="HDMI to HDMI"), sub("DisplayPort Cables", "cable_video", 8, 60, noun="DisplayPort Cable"),
        sub("USB Cables", "cable_usb", 4, 45, noun="USB Cable"), sub("Video Adapters", "adapter", 8, 60),
        sub("Power Cords", "cable_power", 3, 25), sub("Audio Cables", "cable_audio", 3, 30),
        sub("Network Adapters", "adapter", 12, 60, noun="Network Adapter"),
    ]),
    ("Telephony", "TC", [
        sub("IP Phones", "ip_phone", 50, 600, noun="IP Phone"), sub("DECT Phones", "dect", 40, 300, noun="DECT Phone"),
        sub("VoIP Gateways", "gateway", 90, 1200, noun="VoIP Gateway"), sub("IP PBX", "pbx", 300, 4000, noun="IP PBX"),
        sub("Conference Phones", "speakerphone", 200, 1500, Connectivity="SIP"), sub("Intercoms", "intercom", 80, 700),
    ]),
    ("Smart Home", "SH", [
        sub("Smart Plugs", "smart", 10, 45), sub("Smart Bulbs", "smart", 8, 45),
        sub("Smart Cameras", "ipcam", 25, 180), sub("Smart Speakers", "speakers", 35, 250, Type="Portable"),
        sub("Smart Sensors", "smart", 12, 70), sub("Smart Hubs", "smart", 40, 180),
    ]),
    ("Cameras & Drones", "CD", [
        sub("Mirrorless Cameras", "camera", 600, 3500), sub("Compact Cameras", "camera", 150, 900, Sensor="1-inch"),
        sub("Action Cameras", "action_cam", 120, 550), sub("Drones", "drone", 300, 3500),
        sub("Camera Lenses", "lens", 150, 2500, noun="Camera Lens"), sub("Tripods and Gimbals", "tripod", 25, 300, noun="Stabilizer"),
    ]),
]

# Stock lives in these warehouses; each country's first is its main one.
WAREHOUSES = [
    ("MX-CDMX", "Mexico City", "MX"),
    ("MX-GDL", "Guadalajara", "MX"),
    ("CO-BOG", "Bogotá", "CO"),
    ("US-MIA", "Miami", "US"),
]
# The chance an in-stock hardware product is held in each warehouse.
WAREHOUSE_SHARE = {"MX-CDMX": 0.9, "MX-GDL": 0.55, "CO-BOG": 0.65, "US-MIA": 0.7}

# Code, name, currency, base list code (None for a base list); base lists come first.
PRICE_LISTS = [
    ("BASE-MXN", "Base MXN", "MXN", None),
    ("BASE-COP", "Base COP", "COP", None),
    ("BASE-USD", "Base USD", "USD", None),
    ("GOLD-MXN", "Gold MXN", "MXN", "BASE-MXN"),
    ("GOLD-COP", "Gold COP", "COP", "BASE-COP"),
    ("GOLD-USD", "Gold USD", "USD", "BASE-USD"),
]
