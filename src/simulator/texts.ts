// Owners' and consumers' short remarks, positive and negative; negative ones carry the reasons a
// store manager acts on, so that a sentiment detector gets realistic input.
import type { Random } from "./random.js";

export type Reason = "few_showings" | "no_feedback" | "price" | "attitude" | "slow_response";

const negative: Record<Reason, readonly string[]> = {
  few_showings: ["最近带看少,一个月都没几个人来看", "挂了这么久都没人看房,是不是没推广", "带看太少了,心里有点着急", "这周一个带看都没有"],
  no_feedback: ["带看后没有任何反馈,不知道买家怎么想", "看完房就没消息了,经纪人也不说", "每次问反馈都说再等等", "反馈太慢了,两天了还没回复"],
  price: ["经纪人一直让我降价,我不同意", "报价被压得太低了,很不满意", "总劝我降价,价格谈不拢", "说市场不好要降价,我觉得不合理"],
  attitude: ["经纪人态度不好,说话很冲", "服务态度很差,爱答不理", "打电话过去语气很不耐烦", "态度敷衍,不专业"],
  slow_response: ["消息半天不回,太慢了", "找经纪人总是找不到人", "回复太慢了,事情一拖再拖", "问个问题要等一天才回"],
};

const positive: readonly string[] = [
  "经纪人很专业,带看后马上就反馈了", "服务很好,每周都汇报进展", "带看安排得很及时,很满意", "态度很好,耐心解答问题",
  "推广做得不错,看房的人多了", "反馈很详细,知道买家的想法了", "沟通顺畅,值得信赖", "价格建议很中肯,谢谢",
];

export const reasons = Object.keys(negative) as Reason[];

export function remark(random: Random, options: { negative: boolean; reason?: Reason }): string {
  if (!options.negative) return random.pick(positive);
  return random.pick(negative[options.reason ?? random.pick(reasons)]);
}
