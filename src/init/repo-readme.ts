// The README that `lookback init` writes into a bureau's checklist repository. It is a
// document for the activity office's clerk, in Chinese whatever --lang says, like the checklists.
// repoReadme is long because it is that document, one template literal; the code in it is a few lines.

export function repoReadme(opts: {
  version: string;
  tarball: string;
  checklists: string[];
  templates: string[];
}): string {
  const checklistList = opts.checklists.map((f) => `- \`${f}\``).join("\n");
  const report = opts.templates.filter((f) => /(^|\/)report\.ya?ml$/.test(f));
  const ledger = opts.templates.filter((f) => !report.includes(f));
  const templateLine =
    ledger.length > 0
      ? ledger.map((f) => `\`${f}\``).join("、")
      : "（本版本 lookback 未附带模板文件，导出时使用内置版式）";
  const reportLine =
    report.length > 0
      ? `简报版式见 ${report.map((f) => `\`${f}\``).join("、")}（报头标题、编印单位、报送抄送、字体字号、正文各部分的顺序和标题）。复制一份修改后，用 \`lookback report --template 文件\` 生成。`
      : "本版本 lookback 未附带简报模板，生成时使用内置版式。";
  return `# “回头看”检查清单仓库

本仓库由 \`lookback init\`（lookback ${opts.version}）生成，用来在 git 中保管本单位（活动办）的检查清单，
下发给各学校、科室自查，并收回自查结果、汇总整改台账。

| 路径 | 内容 |
| --- | --- |
| \`checklists/\` | 检查清单（YAML），每个文件一份清单 |
| \`schema/checklist.schema.json\` | 检查清单格式说明（JSON Schema），编辑器据此给出补全和错误提示 |
| \`templates/\` | 整改台账的版式（列、顺序、表头、列宽）和工作简报的版式 |
| \`tools/${opts.tarball}\` | 本仓库使用的 lookback 安装包，下发给学校的也是它 |
| \`.github/workflows/lookback.yml\` | 每次提交自动校验检查清单 |

本仓库的检查清单：

${checklistList}

lookback 自带三份清单：\`self-check\`（第一环节“回头看”自查）、\`standards\`（检验标准）、
\`inspection\`（专项督查，明察暗访）。\`lookback list\` 列出全部清单，\`lookback show 清单编号\`
显示一份清单的全部项目。

## 一、安装 lookback

需要 Node.js 22 或 24（LTS 版本，<https://nodejs.org/zh-cn> 下载 Windows 安装包，一路“下一步”即可）。
打开“命令提示符”或 PowerShell，进入本仓库所在文件夹，运行：

\`\`\`sh
npm install -g ./tools/${opts.tarball}
lookback --version
\`\`\`

显示 \`${opts.version}\` 即安装成功。以后在任何文件夹都可以直接运行 \`lookback\`。
如果 npm 提示 better-sqlite3 的 install scripts 未被允许（not yet covered by allowScripts），
改用 \`npm install -g --allow-scripts=better-sqlite3 ./tools/${opts.tarball}\`。

## 二、修改检查清单

用 VS Code 打开本仓库，安装 Red Hat 的 “YAML” 扩展。每个清单文件第一行是：

\`\`\`yaml
# yaml-language-server: $schema=../schema/checklist.schema.json
\`\`\`

有了这一行，编辑器会按 \`schema/checklist.schema.json\` 提示可以填写的字段（按 Ctrl+空格 补全），
并在写错的地方画出波浪线。请保留这一行；新建清单时把它复制到新文件的第一行。

### 在内置清单的基础上裁剪（推荐）

\`checklists/county-self-check.yaml\` 用 \`extends: self-check\` 扩展内置的自查清单，只写本县的改动，
文件中每种改法各有一例：

- \`remove\`：删除项目（写完整编号，如 \`study.jiao-yulu-film\`）或整个环节（写环节编号）；
- \`override\`：修改项目的 \`text\`、\`basis\`、\`evidence\`、\`weight\` 等字段，或环节的标题；
  \`after\` / \`before\` 调整它在同级中的位置；
- \`sections\`：写已有环节的编号，在其中增加项目；写新编号和标题，增加一个环节；
  新项目、新环节同样可以用 \`after\` / \`before\` 指定位置。

项目编号在裁剪前后不变，所以本县清单和内置清单中的同一项目可以前后比较（\`lookback compare\`）。
内置清单以后的更正和新增项目，升级 lookback 后自动进入本县清单；\`lookback show county-self-check\`
显示合成后的完整清单，并注明每个项目出自哪个文件、被谁修改或移动、删除了哪些。
清单可以逐级扩展（省 → 市 → 县），每一级只写自己的改动。

### 自己编写一份完整的清单

一个检查项目的写法：

\`\`\`yaml
      - id: study-time                 # 项目编号：小写字母、数字和连字符，在本环节内不重复
        text: "学习时间是否充分？"       # 检查内容
        text_en: "Has enough time been given to study?"   # 英文（可选，缺少时只给出警告）
        basis: "学习时间是否充分"        # 依据：出自通知原文的哪一句
        method: [听汇报, 查资料]         # 检查方式（可选）
        evidence: "学习计划、学习记录、签到表"   # 佐证材料（可选）
        weight: 2                        # 计分权重（可选，默认 1）
\`\`\`

- 清单的 \`id\` 与内置清单相同（如 \`self-check\`）时，使用本仓库的版本代替内置版本
  （此后内置版本的更正不再生效，所以一般请用 \`extends\` 裁剪）。
- 修改了清单内容，请同时把 \`version\` 改大（如 \`"1.0.0"\` → \`"1.1.0"\`），便于区分各校用的是哪一版。
- 环节写上 \`per: leader\`，表示该环节由每位班子成员各答一遍（如“六查”）。
- 回答只有四种：\`pass\` 符合、\`partial\` 基本符合、\`fail\` 不符合、\`na\` 不适用；
  基本符合和不符合会生成一条整改事项。
- 计分：符合得该项权重，基本符合得一半（\`scoring.partial\` 可改），不符合不得分，不适用不计入；
  \`scoring.pass\` 设达标线，\`scoring.grades\` 设等级（默认 好 ≥90、较好 ≥80、一般 ≥60、差）。

## 三、校验

在本仓库文件夹运行：

\`\`\`sh
lookback validate
\`\`\`

没有问题时显示“已检查 ${opts.checklists.length} 个文件、${opts.checklists.length} 份清单，未发现问题。”，退出码为 0。有问题时逐条列出文件、行号、列号和修改建议，退出码为 1。
加 \`--strict\` 时，缺少英文或依据的警告也算作错误。

提交到 GitHub 后，\`.github/workflows/lookback.yml\` 会在每次 push 和 pull request 时运行同样的校验，
问题直接标注在对应文件的对应行上。工作流从 \`tools/${opts.tarball}\` 安装 lookback，
不依赖公共 npm 仓库。升级 lookback 后，在本仓库运行 \`lookback init --force\` 更新安装包和工作流
（注意：这也会用示例覆盖 \`checklists/county-self-check.yaml\` 和本说明，请先提交修改，再用 \`git diff\` 挑选保留）。

## 四、下发给学校

把整个仓库（或其中的 \`checklists/\` 文件夹和 \`tools/${opts.tarball}\`）打包发给各学校。学校：

1. 按第一节安装 lookback；
2. 把收到的文件夹解压到一个固定位置，在该文件夹中打开命令行。lookback 会自动使用当前文件夹下的
   \`checklists/\`；在其他位置运行时加 \`--checklists 文件夹路径\`。

各学校请安装 \`tools/\` 中的这一版 lookback：县定清单扩展的是这一版的内置清单，
学校回答的正是 \`lookback show county-self-check\` 显示的合成清单（每次自查都保存一份，日后清单再改，
已有的自查记录不受影响）。

## 五、自查

\`\`\`sh
lookback list                                   # 可用的检查清单
lookback check --unit 南昌县莲塘第一中学          # 逐项自查，每个回答即时保存，中途退出后再次运行即可继续
lookback status                                 # 查看自查进度
\`\`\`

回答保存在当前文件夹的 \`lookback.db\` 中（用 \`--db 文件\` 或环境变量 \`LOOKBACK_DB\` 指定其他位置）。
也可以先写好一个回答文件，再用 \`lookback check --answers 回答文件.yaml\` 一次填完。

## 六、导出整改台账

\`\`\`sh
lookback export --unit 南昌县莲塘第一中学        # 写出 ledgers/南昌县莲塘第一中学-整改台账.xlsx
\`\`\`

台账版式见 ${templateLine}。复制一份修改后，用 \`lookback export --template 文件\` 导出。

## 七、跟踪整改

\`\`\`sh
lookback rectify list --overdue                 # 超过整改时限仍未完成的事项
lookback rectify update 编号 --status 已完成 --progress "已补开专题会" --by 张三
lookback compare --unit 南昌县莲塘第一中学        # 与上一次自查比较：已整改、反弹、仍未整改
\`\`\`

编号见 \`rectify list\` 的第一列，写前几位即可。状态依次为：未整改（open）→ 整改中（in-progress）→
已完成（done）→ 已销号（closed），只有已完成的事项可以销号，\`--by\` 写核验人。
每次变更都记入历史，即“跟踪问效”。

## 八、收回与汇总

各学校把自己的 \`lookback.db\` 发回（文件名可改为学校名称）。活动办运行：

\`\`\`sh
lookback import 收回/                           # 合并该文件夹中各校的 .db；重复导入不会重复计算
lookback export --all                           # 每个单位一份台账，外加 ledgers/汇总.xlsx
\`\`\`

\`lookback units\` 管理全县单位名册（名称、代码、乡镇、类型）。

## 九、工作简报

\`\`\`sh
lookback report --unit 南昌县莲塘第一中学 --issue 3           # 学校的简报：briefings/南昌县莲塘第一中学-工作简报.docx
lookback report --all --issue 5 --issuer 县教体局活动办 --to 县委活动办 --cc 各乡镇中心学校
lookback report --all --format html                        # 全县简报网页（附统计图，可离线打开、按 A4 打印）
lookback report --township 莲塘镇                          # 某个乡镇的简报
\`\`\`

简报的数字（自查项数、问题、整改状态、销号率、逾期天数、反弹）全部取自数据库；用 Word 或 WPS 打开后，
在标黄的两处补写“主要做法和成效”“下步打算”即可报送。全县简报另附各乡镇、各单位一览表和未开展单位名单。
${reportLine}

## 出现问题时

- 命令后加 \`--help\` 查看说明和示例，如 \`lookback export --help\`。
- 升级 Node.js 后提示无法加载 SQLite 模块：运行 \`npm rebuild -g better-sqlite3\`，或重新安装 lookback。
- 清单文件被记事本保存成了 GBK 等编码：用“另存为”选择 UTF-8 编码保存。
`;
}
