"""The categories of proactive disclosure, from Articles 20 and 21 of the Regulations on Open
Government Information (2019), plus policy interpretations. The codes are part of every index
number: never renumber, only add."""

from django.db import migrations

# (code, name, legal basis, is policy interpretation)
CATEGORIES = [
    ("01", "行政法规、规章和规范性文件", "第二十条第（一）项", False),
    ("02", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名", "第二十条第（二）项", False),
    ("03", "国民经济和社会发展规划、专项规划、区域规划及相关政策", "第二十条第（三）项", False),
    ("04", "国民经济和社会发展统计信息", "第二十条第（四）项", False),
    ("05", "行政许可和其他对外管理服务事项的依据、条件、程序及办理结果", "第二十条第（五）项", False),
    ("06", "行政处罚、行政强制的依据、条件、程序及行政处罚决定", "第二十条第（六）项", False),
    ("07", "财政预算、决算信息", "第二十条第（七）项", False),
    ("08", "行政事业性收费项目及其依据、标准", "第二十条第（八）项", False),
    ("09", "政府集中采购项目的目录、标准及实施情况", "第二十条第（九）项", False),
    ("10", "重大建设项目的批准和实施情况", "第二十条第（十）项", False),
    ("11", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", "第二十条第（十一）项", False),
    ("12", "突发公共事件的应急预案、预警信息及应对情况", "第二十条第（十二）项", False),
    ("13", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况", "第二十条第（十三）项", False),
    ("14", "公务员招考的职位、名额、报考条件等事项以及录用结果", "第二十条第（十四）项", False),
    ("15", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息", "第二十条第（十五）项", False),
    ("16", "市政建设", "第二十一条", False),
    ("17", "公共服务", "第二十一条", False),
    ("18", "公益事业", "第二十一条", False),
    ("19", "土地征收", "第二十一条", False),
    ("20", "房屋征收", "第二十一条", False),
    ("21", "治安管理", "第二十一条", False),
    ("22", "社会救助", "第二十一条", False),
    ("23", "政策解读", "第二十条第（一）项、第二十一条（相关政策的解读）", True),
]


def add_categories(apps, schema_editor):
    DisclosureCategory = apps.get_model("disclosure", "DisclosureCategory")
    for order, (code, name, article, is_interpretation) in enumerate(CATEGORIES):
        DisclosureCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "article": article,
                "sort_order": (order + 1) * 10,
                "is_policy_interpretation": is_interpretation,
            },
        )


def remove_categories(apps, schema_editor):
    DisclosureCategory = apps.get_model("disclosure", "DisclosureCategory")
    DisclosureCategory.objects.filter(code__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
