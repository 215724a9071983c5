"""Which province a hospital is in: from the invoice code, else from the hospital's name.

The first two digits of a 财政票据代码 (the invoice code of public hospitals' paper and
e-invoices) are the issuing province's administrative code. Names carry a province
(江苏省人民医院), a city (宁波市第一医院, 南京鼓楼医院) or a well-known institution
(复旦大学附属中山医院). The tables are small on purpose: an unknown answer is reported as
unknown, never guessed.
"""

from __future__ import annotations

import re

PROVINCES: dict[str, tuple[str, ...]] = {
    # code → names, the full one first
    "11": ("北京市", "北京"), "12": ("天津市", "天津"), "13": ("河北省", "河北"),
    "14": ("山西省", "山西"), "15": ("内蒙古自治区", "内蒙古"), "21": ("辽宁省", "辽宁"),
    "22": ("吉林省", "吉林"), "23": ("黑龙江省", "黑龙江"), "31": ("上海市", "上海"),
    "32": ("江苏省", "江苏"), "33": ("浙江省", "浙江"), "34": ("安徽省", "安徽"),
    "35": ("福建省", "福建"), "36": ("江西省", "江西"), "37": ("山东省", "山东"),
    "41": ("河南省", "河南"), "42": ("湖北省", "湖北"), "43": ("湖南省", "湖南"),
    "44": ("广东省", "广东"), "45": ("广西壮族自治区", "广西"), "46": ("海南省", "海南"),
    "50": ("重庆市", "重庆"), "51": ("四川省", "四川"), "52": ("贵州省", "贵州"),
    "53": ("云南省", "云南"), "54": ("西藏自治区", "西藏"), "61": ("陕西省", "陕西"),
    "62": ("甘肃省", "甘肃"), "63": ("青海省", "青海"), "64": ("宁夏回族自治区", "宁夏"),
    "65": ("新疆维吾尔自治区", "新疆"),
}

# Prefecture-level cities (and a few county-level ones hospitals are named after), mostly of
# the provinces migrant workers' parents visit them in.
_CITIES: dict[str, str] = {
    "32": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 "
          "张家港 常熟 宜兴",
    "33": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌 慈溪 余姚 瑞安 "
          "乐清 诸暨",
    "44": "广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 "
          "清远 东莞 中山市 潮州 揭阳 云浮",
    "35": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 晋江",
    "37": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "34": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 "
          "池州 宣城",
    "41": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 "
          "信阳 周口 驻马店",
    "42": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施",
    "43": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西",
    "36": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "51": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 "
          "达州 雅安 巴中 资阳",
    "52": "贵阳 六盘水 遵义 安顺 毕节 铜仁",
    "53": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 大理 西双版纳",
    "13": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "14": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "15": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔",
    "21": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳市 葫芦岛",
    "22": "长春 四平 辽源 通化 白山 松原 白城 延边",
    "23": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化",
    "45": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "46": "海口 三亚 儋州",
    "61": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "62": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南",
    "63": "西宁 海东",
    "64": "银川 石嘴山 吴忠 固原 中卫",
    "65": "乌鲁木齐 克拉玛依 吐鲁番 哈密 喀什 伊犁",
    "54": "拉萨 日喀则",
}
CITIES: dict[str, str] = {city: code for code, names in _CITIES.items()
                          for city in names.split()}

# Institutions whose names carry no place.
INSTITUTIONS: dict[str, str] = {
    "复旦大学": "31", "瑞金医院": "31", "华山医院": "31", "仁济医院": "31", "新华医院": "31",
    "长海医院": "31", "长征医院": "31", "东方医院": "31", "曙光医院": "31", "龙华医院": "31",
    "岳阳中西医结合医院": "31", "浦东新区": "31", "闵行区": "31", "宝山区": "31",
    "邵逸夫": "33", "浙江大学": "33", "鼓楼医院": "32", "中山大学": "44", "南方医科大学": "44",
    "华西医院": "51", "湘雅": "43", "齐鲁医院": "37", "协和医院": "11", "解放军总医院": "11",
    "宣武医院": "11", "天坛医院": "11", "阜外医院": "11", "积水潭医院": "11", "同仁医院": "11",
    "朝阳医院": "11", "西京医院": "61", "同济医院": "42", "台州医院": "33",
}


def province_of_code(region_code: str | None) -> str | None:
    """The province of an administrative code (`411625` → `41`); None when unknown."""
    if not region_code:
        return None
    code = region_code.strip()[:2]
    return code if code in PROVINCES else None


def province_of_name(text: str | None) -> str | None:
    """The province a place or hospital name points to, by the earliest name found in it."""
    if not text:
        return None
    text = re.sub(r"\s+", "", text)
    hits: list[tuple[int, int, str]] = []  # position, -length, code
    for code, names in PROVINCES.items():
        for name in names:
            at = text.find(name)
            if at >= 0:
                hits.append((at, -len(name), code))
    for city, code in CITIES.items():
        at = text.find(city)
        if at >= 0:
            hits.append((at, -len(city), code))
    if hits:
        return min(hits)[2]
    for name, code in INSTITUTIONS.items():
        if name in text:
            return code
    return None


def hospital_province(invoice_code: str | None, hospital: str | None) -> tuple[str | None, str]:
    """(province code, how it was found) for a hospital on an invoice."""
    if invoice_code and re.fullmatch(r"\d{8}(\d{2})?", invoice_code.strip()):
        code = province_of_code(invoice_code)
        if code:
            return code, "invoice_code"
    code = province_of_name(hospital)
    if code:
        return code, "hospital_name"
    return None, "unknown"


def province_name(code: str | None) -> str:
    return PROVINCES[code][0] if code in PROVINCES else "未知省份"
