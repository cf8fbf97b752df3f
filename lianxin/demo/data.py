"""Fixed material for the demo town: place names, departments and name parts.

The figures follow DOMAIN.md ("Figures the demo town must reproduce"); the names are made up but read
like those of a town in northern Henan.
"""

from __future__ import annotations

COUNTY = ("410724", "获嘉县")
HUOJIA_CENTRE = (35.2615, 113.6573)

# The first town is Chengguan; a county made with --scale N takes the next names, then numbered ones.
TOWN_NAMES = [
    "城关镇",
    "照镜镇",
    "黄堤镇",
    "中和镇",
    "徐营镇",
    "冯庄镇",
    "亢村镇",
    "史庄镇",
    "太山镇",
    "位庄乡",
]

# The letters that begin each town's tracking codes (CG-7K3M-R9), in the order of TOWN_NAMES.
TOWN_PREFIXES = ["CG", "ZJ", "HD", "ZH", "XY", "FZ", "KC", "SZ", "TS", "WZ"]

VILLAGES = [
    "东关村",
    "西关村",
    "南关村",
    "北关村",
    "东街村",
    "西街村",
    "南街村",
    "北街村",
    "大辛庄村",
    "小辛庄村",
    "李村",
    "王庄村",
    "张巨村",
    "前河村",
    "后河村",
    "马厂村",
    "丁村",
    "楼村",
]
COMMUNITIES = ["同盟社区", "育才社区", "新华社区"]

COLLECTION_POINTS = [
    ("东关邻里小院民情收集点", "东关村", "每天 8:30–11:30"),
    ("同盟邻里小院民情收集点", "同盟社区", "每天 8:30–11:30"),
    ("人民广场民情收集点", "南街村", "每天 18:30–20:30"),
    ("城关一小周边民情收集点", "育才社区", "上学日 7:30–8:00、16:30–17:30"),
    ("镇养老服务中心民情收集点", "北关村", "周一至周六 9:00–16:00"),
    ("新华日间照料中心民情收集点", "新华社区", "周一至周五 9:00–16:00"),
    ("西街邻里小院民情收集点", "西街村", "每天 8:30–11:30"),
]

# The town mediation centre, then the village mediation rooms that host a deputy micro-station.
MEDIATION_STATIONS = [
    ("城关镇矛盾纠纷调解中心人大代表联络微站", None),
    ("东关村矛调室人大代表联络微站", "东关村"),
    ("大辛庄村矛调室人大代表联络微站", "大辛庄村"),
    ("王庄村矛调室人大代表联络微站", "王庄村"),
    ("前河村矛调室人大代表联络微站", "前河村"),
    ("同盟社区矛调室人大代表联络微站", "同盟社区"),
]
INDUSTRY_STATION = ("城关镇产业园区人大代表联络站", "马厂村", "周一至周五 8:30–17:30")

DEPARTMENTS = [
    # (name, short name, kind, duties)
    (
        "城关镇城市管理综合执法队",
        "城管",
        "government",
        "市容环境 占道经营 违章搭建 垃圾清运 环境卫生 噪音 油烟",
    ),
    (
        "城关镇住房和城乡建设办公室",
        "住建",
        "government",
        "房屋安全 物业 问题楼盘 不动产证 老旧小区 道路 排水 燃气",
    ),
    ("获嘉县人力资源和社会保障局城关所", "人社", "government", "就业 招聘 社保 工资拖欠 技能培训 退休 医保"),
    ("城关镇自然资源所", "自然资源", "government", "宅基地 土地 确权 规划 地界"),
    ("城关镇农业农村办公室", "农业农村", "government", "种植 农机 补贴 农田 灌溉 养殖 农村道路"),
    ("城关镇水利站", "水利", "government", "农田水利 沟渠 水井 防汛 饮水"),
    ("城关镇中心学校", "教育", "government", "入学 学校周边 校车 托育 课后服务"),
    ("城关镇卫生院", "卫健", "government", "医疗 疫苗 家庭医生 卫生 养老托育"),
    ("城关镇民政办公室", "民政", "government", "低保 救助 养老 助餐 残疾人 殡葬"),
    ("获嘉县公安局城关派出所", "公安", "government", "治安 交通 户籍 纠纷 诈骗"),
    ("城关镇生态环境办公室", "生态环境", "government", "污染 排放 秸秆 扬尘 环境投诉"),
    ("城关镇市场监督管理所", "市场监管", "government", "食品安全 价格 消费维权 营业执照"),
    ("城关镇应急管理办公室", "应急", "government", "安全生产 消防 防灾"),
    ("城关镇人民政府", "镇政府", "government", "综合协调 重大项目 民生实事"),
    ("获嘉县监察委员会城关监察室", "监察", "supervisory", "作风 廉政 监督"),
    ("获嘉县人民法院城关法庭", "法庭", "court", "诉讼 调解 执行"),
    ("获嘉县人民检察院城关检察室", "检察", "procuratorate", "公益诉讼 法律监督"),
]

# Deputies by level: 2 provincial, 5 municipal, 20 county, 60 township = 87.
DEPUTY_LEVELS = [("province", 2), ("city", 5), ("county", 20), ("township", 60)]
DEPUTIES_ON_DUTY = 54

OCCUPATIONS = [
    "村党支部书记",
    "村委会主任",
    "社区党委书记",
    "企业负责人",
    "个体工商户",
    "种植大户",
    "教师",
    "医生",
    "退休干部",
    "合作社理事长",
    "镇机关干部",
    "律师",
    "养殖户",
    "物流企业负责人",
    "社区工作者",
]
ENTREPRENEUR = {"企业负责人", "物流企业负责人", "合作社理事长"}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "建国军伟强磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林志国庆文彬东海峰振兴"
GIVEN_FEMALE = "秀英芳娜敏静丽艳娟霞燕玲桂兰萍红梅琳雪婷慧莉倩颖洁晶晓月红玉凤春"

ROLE_LOGINS = [
    # (username, role, display name)
    ("presidium", "presidium", "镇人大办 赵主任"),
    ("deputy", "deputy", None),  # linked to a township deputy; shown by the deputy's name
    ("department", "department", "城管 值班员"),
    ("mediator", "mediator", "矛调中心 刘调解员"),
    ("observer", "observer", None),
    ("agent", "agent", None),
    ("citizen", "citizen", "居民 陈先生"),
    ("county", "county_viewer", "县人大常委会 联工委"),
    ("sysadmin", "system_admin", "系统管理员"),
    ("secadmin", "security_admin", "安全管理员"),
    ("auditor", "audit_admin", "审计管理员"),
]
DEMO_PASSWORD = "lianxin-demo"  # noqa: S105 - printed by `lianxin demo`; demo accounts only

# English names of the reference data, shown when the interface is in English (issue 10, point 13).
CELL_NAMES_EN = {
    "东关村": "Dongguan Village", "西关村": "Xiguan Village", "南关村": "Nanguan Village",
    "北关村": "Beiguan Village", "东街村": "Dongjie Village", "西街村": "Xijie Village",
    "南街村": "Nanjie Village", "北街村": "Beijie Village", "大辛庄村": "Daxinzhuang Village",
    "小辛庄村": "Xiaoxinzhuang Village", "李村": "Li Village", "王庄村": "Wangzhuang Village",
    "张巨村": "Zhangju Village", "前河村": "Qianhe Village", "后河村": "Houhe Village",
    "马厂村": "Machang Village", "丁村": "Ding Village", "楼村": "Lou Village",
    "同盟社区": "Tongmeng Community", "育才社区": "Yucai Community", "新华社区": "Xinhua Community",
}  # fmt: skip
DEPARTMENT_NAMES_EN = {  # by short name
    "城管": "Urban management", "住建": "Housing and construction", "人社": "Human resources and social security",
    "自然资源": "Natural resources", "农业农村": "Agriculture", "水利": "Water conservancy",
    "教育": "Education", "卫健": "Health", "民政": "Civil affairs", "公安": "Police station",
    "生态环境": "Ecology and environment", "市场监管": "Market regulation", "应急": "Emergency management",
    "镇政府": "Town government", "监察": "Supervision office", "法庭": "People's tribunal",
    "检察": "Procuratorate office",
}  # fmt: skip
CATEGORY_NAMES_EN = {
    "企业用工": "Hiring and labour", "企业服务": "Services to businesses", "农业生产": "Farming",
    "农田水利": "Irrigation", "市场经营": "Markets and trade", "环境卫生": "Sanitation",
    "生态环境": "Pollution", "物业与问题楼盘": "Property management and housing estates",
    "邻里纠纷": "Neighbour disputes", "治安防范": "Public security", "宅基地与土地": "Homesteads and land",
    "安全隐患": "Safety hazards", "道路交通": "Roads and traffic", "供水排水": "Water supply and drainage",
    "路灯与公共设施": "Street lights and public facilities", "就业与社保": "Jobs and social insurance",
    "养老托育": "Elderly and child care", "教育入学": "Schools", "医疗卫生": "Health care",
    "社会救助": "Social assistance",
}  # fmt: skip

# The authenticator key of the demo's administrators and presidium (hex; base32 JBSWY3DPEHPK3PXP, in the
# README), for trying the demo with OTP_REQUIRED=true. Demo accounts only.
DEMO_TOTP_KEY = "48656c6c6f21deadbeef"
