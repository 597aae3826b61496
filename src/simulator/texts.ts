// Owners' and buyers' short remarks, positive and negative; negative ones carry the reasons a
// store manager acts on, so that a sentiment detector gets realistic input. A remark is a core
// phrase of its reason, as an owner or a buyer says it, with an opening and an ending of a few
// kinds: hundreds of texts, not a list a detector could learn by heart.
import type { Random } from "./random.js";

export type Reason = "few_showings" | "no_feedback" | "price" | "attitude" | "slow_response";
export type Author = "owner" | "buyer";

const negative: Record<Author, Record<Reason, readonly string[]>> = {
  owner: {
    few_showings: ["最近带看少，一个月都没几个人来看", "挂了这么久都没人看房，是不是没推广", "带看太少了，心里有点着急", "这周一个带看都没有", "房子挂出去就没动静了", "同小区的房子天天有人看，我的没人看", "推广根本没做，带看寥寥无几", "两个礼拜才来一个看房的"],
    no_feedback: ["带看后没有任何反馈，不知道买家怎么想", "看完房就没消息了，经纪人也不说", "每次问反馈都说再等等", "反馈太慢了，两天了还没回复", "带看完连个电话都没有", "买家什么意见一概不知", "说好看完就反馈，结果石沉大海", "看房的人怎么说的，从来不告诉我"],
    price: ["经纪人一直让我降价，我不同意", "报价被压得太低了，很不满意", "总劝我降价，价格谈不拢", "说市场不好要降价，我觉得不合理", "还没怎么推就让我降二十万", "买家出价太低，经纪人还帮着压价", "定价的时候说得好好的，现在又要降", "一降再降，到底是替谁说话"],
    attitude: ["经纪人态度不好，说话很冲", "服务态度很差，爱答不理", "打电话过去语气很不耐烦", "态度敷衍，不专业", "问两句就不高兴了", "对业主一点都不尊重", "说话阴阳怪气的，很不舒服", "承诺的事情转头就忘"],
    slow_response: ["消息半天不回，太慢了", "找经纪人总是找不到人", "回复太慢了，事情一拖再拖", "问个问题要等一天才回", "微信发了好几条都没回", "钥匙的事说了三天还没处理", "电话不接，短信不回", "每次都说马上处理，然后就没下文了"],
  },
  buyer: {
    few_showings: ["约了好几次都看不上房", "说有房源，结果一套都没带我看", "想看的房子一直约不上"],
    no_feedback: ["出了价就没下文了，业主那边怎么说也不知道", "看完房问情况没人回", "谈价进展一点都不告诉我"],
    price: ["中介费收得太高了", "价格谈判的时候根本不帮我争取", "签约前突然说价格变了"],
    attitude: ["经纪人态度不好，说话很冲", "服务态度很差，爱答不理", "签完合同就不理人了", "带看迟到还不道歉"],
    slow_response: ["办手续拖拖拉拉的", "贷款的事催了好几次才动", "过户时间一拖再拖", "问个问题要等一天才回"],
  },
};

const positive: Record<Author, readonly string[]> = {
  owner: ["经纪人很专业，带看后马上就反馈了", "服务很好，每周都汇报进展", "带看安排得很及时", "态度很好，耐心解答问题", "推广做得不错，看房的人多了", "反馈很详细，知道买家的想法了", "沟通顺畅，值得信赖", "价格建议很中肯", "钥匙保管得很好，看房从不耽误", "每次带看都有照片和记录"],
  buyer: ["经纪人很专业，手续办得很顺", "带看很耐心，房子的情况讲得很清楚", "服务很好，有问必答", "签约过户都很顺利", "交易流程透明，很放心", "帮我争取到了合适的价格"],
};

const openings: Record<Author, Record<"negative" | "positive", readonly string[]>> = {
  owner: {
    negative: ["", "", "说实话，", "不太满意：", "作为业主，", "跟您反映一下，", "唉，"],
    positive: ["", "", "总体来说，", "卖房这段时间，", "必须表扬一下，"],
  },
  buyer: {
    negative: ["", "", "说实话，", "不太满意：", "买这套房的过程中，", "跟您反映一下，", "唉，"],
    positive: ["", "", "总体来说，", "这次买房体验不错，", "必须表扬一下，"],
  },
};
const endings: Record<"negative" | "positive", readonly string[]> = {
  negative: ["", "。", "，希望改进。", "，请店长看一下。", "，再这样就换中介了。", "！", "，很失望。"],
  positive: ["", "。", "，很满意。", "，谢谢！", "，会推荐给朋友。", "👍"],
};

export const reasons: readonly Reason[] = ["few_showings", "no_feedback", "price", "attitude", "slow_response"];

export function remark(random: Random, options: { negative: boolean; author?: Author; reason?: Reason }): string {
  const author = options.author ?? "owner";
  const tone = options.negative ? "negative" : "positive";
  const core = options.negative ? random.pick(negative[author][options.reason ?? random.pick(reasons)]) : random.pick(positive[author]);
  return `${random.pick(openings[author][tone])}${core}${random.pick(endings[tone])}`;
}
