// The county checklist `lookback init` writes into a bureau's repository: the built-in
// self-check tailored with `extends`, one example of each kind of change, each commented for
// the clerk who will replace them with the county's own. It validates clean, --strict included
// (src/init/init.test.ts), and every item it adds traces to the notice like a built-in's.

export const COUNTY_CHECKLIST_PATH = "checklists/county-self-check.yaml";

export const COUNTY_CHECKLIST = `# yaml-language-server: $schema=../schema/checklist.schema.json
# 本县的“回头看”自查清单。它扩展（extends）内置的 self-check（第一环节“回头看”自查），
# 这里只写本县删除、修改、增加的部分：内置清单以后的更正和新增项目，升级 lookback 后自动带入。
# 下面每种改法各举一例，请按本县实际修改或删掉。
# 查看合成后的完整清单（每个项目出自哪个文件、改了什么）：lookback show county-self-check
id: county-self-check
version: "1.0.0"
extends: self-check
title: "第一环节“回头看”自查（县定版）"
title_en: "Look-back self-check of the first phase (county edition)"
description: "在第一环节“回头看”自查的基础上，增加本县要求的项目。"

# 删除：写项目的完整编号（环节编号.项目编号），或整个环节的编号。
remove:
  - study.jiao-yulu-film # 例：全县已统一组织观看电影《焦裕禄》，不再逐校自查

# 修改：按完整编号改项目的字段（text、text_en、basis、method、evidence、required、weight），
# 或按环节编号改环节的 title、title_en、weight；after / before 把它移到同级的另一个之后 / 之前。
override:
  - id: rectify-now.ledger-specific
    evidence: "整改台账（每个问题写明整改措施、责任人、整改时限）"
    weight: 2 # 计分时按两个项目计
  - id: opinions.publicize
    after: open-door # 移到“是否采取多种形式开门听取意见”之后

# 增加：写已有环节的编号，在该环节中增加项目；写新的编号和 title，增加一个环节。
sections:
  - id: study
    items:
      - id: meeting-spirit
        after: study-time
        text: "是否传达学习了中央、省、市、县群众路线教育实践活动相关会议精神？"
        text_en: "Have the recent central, provincial, city and county meetings on the mass-line education campaign been relayed and studied?"
        basis: "为落实近期中央省市县群众路线教育实践活动相关会议精神"
        evidence: "传达学习记录、签到表"
  - id: exposure
    title: "曝光问题整改"
    title_en: "Problems exposed by the inspections"
    after: rectify-now
    items:
      - id: explain-and-fix
        text: "对明察暗访中曝光的问题，是否向上级作出了解释说明，并限期整改？"
        text_en: "For the problems the inspections exposed, has the unit explained itself to the higher level and put them right within the time set?"
        basis: "所在单位要向上级作出解释说明，并追究相关人员责任，限期进行整改"
        evidence: "情况说明、整改报告"

# 计分（可选）：不写时各项目权重为 1，基本符合计一半，等级按 好 ≥90、较好 ≥80、一般 ≥60、差。
# scoring:
#   pass: 60
#   grades:
#     - { min: 85, label: 好, label_en: Good }
#     - { min: 70, label: 较好, label_en: Fairly good }
#     - { min: 60, label: 一般, label_en: Fair }
#     - { min: 0, label: 差, label_en: Poor }
`;
