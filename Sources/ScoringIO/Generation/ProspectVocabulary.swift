/// The categories, words and per-industry tendencies the prospect generator draws from.
///
/// Offsets are in the units of the latent normal variables in `ProspectRowWriter`: a
/// budget offset of +0.3 multiplies the median budget by e^0.3 ≈ 1.35.
enum ProspectVocabulary {
    struct Industry {
        let name: String
        /// Share of prospects in this industry (relative; the weights need not sum to 1).
        let weight: Double
        /// Added to the log of the annual ad budget.
        let budgetOffset: Double
        /// Added to service fit: how well search marketing serves the industry.
        let serviceFitOffset: Double
        /// Added to technical difficulty: compliance, integration.
        let techOffset: Double
        /// Added to the log of the decision cycle.
        let cycleOffset: Double
        /// Added to the latent credit quality.
        let creditOffset: Double
        /// Words for the company name.
        let words: [String]
    }

    static let industries: [Industry] = [
        Industry(
            name: "automotive", weight: 10, budgetOffset: 0.35, serviceFitOffset: 0.3,
            techOffset: 0, cycleOffset: 0.1, creditOffset: 0.1,
            words: ["汽车", "汽车销售", "汽车服务", "车业"]),
        Industry(
            name: "finance", weight: 9, budgetOffset: 0.3, serviceFitOffset: 0,
            techOffset: 0.5, cycleOffset: 0.35, creditOffset: 0.4,
            words: ["金融", "证券", "保险", "投资"]),
        Industry(
            name: "ecommerce", weight: 12, budgetOffset: 0.3, serviceFitOffset: 0.6,
            techOffset: 0, cycleOffset: -0.3, creditOffset: 0,
            words: ["电子商务", "网络科技", "电商"]),
        Industry(
            name: "education", weight: 8, budgetOffset: 0, serviceFitOffset: 0.5,
            techOffset: 0, cycleOffset: -0.1, creditOffset: -0.3,
            words: ["教育", "教育科技", "培训"]),
        Industry(
            name: "healthcare", weight: 8, budgetOffset: -0.1, serviceFitOffset: -0.3,
            techOffset: 0.6, cycleOffset: 0.2, creditOffset: 0.1,
            words: ["医疗", "医药", "健康"]),
        Industry(
            name: "real_estate", weight: 7, budgetOffset: 0.2, serviceFitOffset: 0.1,
            techOffset: 0, cycleOffset: 0.2, creditOffset: -0.6,
            words: ["地产", "置业", "房地产开发"]),
        Industry(
            name: "travel", weight: 7, budgetOffset: -0.1, serviceFitOffset: 0.4,
            techOffset: 0, cycleOffset: -0.2, creditOffset: -0.2,
            words: ["旅游", "旅行社", "酒店管理"]),
        Industry(
            name: "gaming", weight: 8, budgetOffset: 0.3, serviceFitOffset: 0.6,
            techOffset: 0, cycleOffset: -0.3, creditOffset: -0.3,
            words: ["游戏", "互动娱乐", "网络游戏"]),
        Industry(
            name: "fmcg", weight: 10, budgetOffset: 0.2, serviceFitOffset: 0.2,
            techOffset: 0, cycleOffset: 0, creditOffset: 0.2,
            words: ["食品", "日化", "饮料"]),
        Industry(
            name: "manufacturing", weight: 9, budgetOffset: -0.3, serviceFitOffset: -0.5,
            techOffset: 0.2, cycleOffset: 0.25, creditOffset: 0,
            words: ["机械", "制造", "重工", "电气"]),
        Industry(
            name: "telecom", weight: 5, budgetOffset: 0.1, serviceFitOffset: 0,
            techOffset: 0.3, cycleOffset: 0.4, creditOffset: 0.5,
            words: ["通信", "电信", "网络"]),
        Industry(
            name: "software", weight: 7, budgetOffset: -0.2, serviceFitOffset: 0.2,
            techOffset: 0.2, cycleOffset: 0, creditOffset: 0,
            words: ["软件", "信息技术", "数据科技"]),
    ]

    struct Region {
        let name: String
        let weight: Double
        let cities: [String]
        /// Index into `managers` of the manager whose territory this is.
        let territoryManager: Int
    }

    static let regions: [Region] = [
        Region(
            name: "华东", weight: 28,
            cities: ["上海", "杭州", "南京", "苏州", "宁波", "合肥", "济南", "青岛", "福州", "厦门", "无锡", "温州"],
            territoryManager: 0),
        Region(
            name: "华南", weight: 22,
            cities: ["广州", "深圳", "东莞", "佛山", "珠海", "南宁", "海口", "汕头"],
            territoryManager: 1),
        Region(
            name: "华北", weight: 20,
            cities: ["北京", "天津", "石家庄", "太原", "呼和浩特", "唐山"],
            territoryManager: 2),
        Region(
            name: "华中", weight: 10,
            cities: ["武汉", "长沙", "郑州", "南昌", "宜昌", "洛阳"],
            territoryManager: 0),
        Region(
            name: "西南", weight: 9,
            cities: ["成都", "重庆", "昆明", "贵阳", "绵阳"],
            territoryManager: 1),
        Region(
            name: "西北", weight: 5,
            cities: ["西安", "兰州", "银川", "西宁", "乌鲁木齐"],
            territoryManager: 2),
        Region(
            name: "东北", weight: 6,
            cities: ["沈阳", "大连", "长春", "哈尔滨"],
            territoryManager: 2),
    ]

    static let managers = ["王经理", "李经理", "张经理"]

    /// Relative frequency of stages 1...5: most prospects are early in the pipeline.
    static let stageWeights: [Double] = [35, 25, 18, 13, 9]

    /// Syllables for brand names; two or three make a brand (华信, 恒达, 瑞通嘉).
    static let brandSyllables: [String] = [
        "华", "信", "恒", "达", "瑞", "通", "嘉", "盛", "联", "创", "新", "天", "宏", "泰", "安",
        "德", "金", "鼎", "博", "明", "隆", "源", "兴", "海", "融", "汇", "腾", "飞", "远", "卓",
        "越", "智", "诚", "顺", "祥", "和", "美", "康", "邦", "宇", "星", "光", "辉", "丰", "富",
        "利", "凯", "捷", "弘", "昌", "中", "东", "方", "景", "晨", "云", "峰", "阳", "润", "尚",
    ]

    /// Legal-form suffixes of a company name.
    static let companySuffixes = ["集团", "股份有限公司", "有限公司"]

    /// Suffixes of a parent group's name (华信控股).
    static let groupSuffixes = ["控股", "集团", "投资", "实业"]

    /// Credit ratings from best to worst, and the latent credit quality above which each
    /// applies (the last applies to everything below).
    static let creditRatings = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]
    static let creditThresholds: [Double] = [2.0, 1.3, 0.4, -0.5, -1.2, -1.8, -2.3, -2.7]

    static let paymentRecords = ["good", "fair", "poor"]

    /// The number of distinct parent groups drawn per seed.
    static let groupCount = 400
}
